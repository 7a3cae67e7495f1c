package io.trellis.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trellis.proxy.config.cluster.CircuitBreakers;
import io.trellis.proxy.config.cluster.HttpProtocolOptions;
import io.trellis.proxy.config.cluster.RoutingPriority;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Cluster-wide circuit breakers over real sockets: connections, pending requests, requests, pools, retries. */
class CircuitBreakerTest extends UpstreamTestSupport {

  private static CircuitBreakers limits(long cx, long pending, long rq, long retries, long pools) {
    return new CircuitBreakers(new CircuitBreakers.Thresholds(cx, pending, rq, retries, pools, true),
        CircuitBreakers.Thresholds.DEFAULT);
  }

  @Test
  void oneConnectionOnePendingThenOverflow() throws Exception {
    TestBackend b = closing(TestBackend.http1("a"));
    clusters.applyClusters(List.of(staticCluster("cb", b.port()).circuitBreakers(limits(1, 1, 1024, 3, 1024)).build()));
    UpstreamCluster c = clusters.cluster("cb");

    Exchange first = Exchange.start(c, loop, Exchange.get("/hold"), HttpProtocol.HTTP_1_1);
    await().until(() -> b.heldCount() == 1);
    Exchange second = Exchange.start(c, loop, Exchange.get("/hold"), HttpProtocol.HTTP_1_1);
    await().until(() -> gauge("cluster.cb.upstream_rq_pending_active") == 1);
    assertThat(gauge("cluster.cb.circuit_breakers.default.cx_open")).isEqualTo(1);
    assertThat(gauge("cluster.cb.circuit_breakers.default.rq_pending_open")).isEqualTo(1);
    assertThat(gauge("cluster.cb.circuit_breakers.default.remaining_cx")).isZero();
    assertThat(gauge("cluster.cb.circuit_breakers.default.remaining_pending")).isZero();
    // the waiting request did not open a second connection: max_connections held
    assertThat(counter("cluster.cb.upstream_cx_overflow")).isGreaterThanOrEqualTo(1);
    assertThat(b.connections).hasValue(1);

    UpstreamFailure third = failureOf(Exchange.start(c, loop, Exchange.get("/ok"), HttpProtocol.HTTP_1_1));
    assertThat(third.reason()).isEqualTo(UpstreamFailure.Reason.OVERFLOW);
    assertThat(third.getMessage()).contains("max_pending_requests 1");
    assertThat(counter("cluster.cb.upstream_rq_pending_overflow")).isEqualTo(1);

    b.releaseHeld(); // answers the first; the second then runs on the same connection and is held in turn
    assertThat(finish(first).status()).isEqualTo(200);
    await().until(() -> b.heldCount() == 1);
    b.releaseHeld();
    assertThat(finish(second).status()).isEqualTo(200);
    assertThat(b.connections).hasValue(1);
    await().untilAsserted(() -> {
      assertThat(gauge("cluster.cb.circuit_breakers.default.rq_pending_open")).isZero();
      assertThat(gauge("cluster.cb.circuit_breakers.default.remaining_pending")).isEqualTo(1);
      assertThat(gauge("cluster.cb.upstream_rq_pending_active")).isZero();
    });
    // the connection stays open (keep-alive): still at the connection limit
    assertThat(gauge("cluster.cb.circuit_breakers.default.cx_open")).isEqualTo(1);
  }

  @Test
  void maxRequestsFailsFastWithRequestOverflow() throws Exception {
    TestBackend b = closing(TestBackend.http1("a"));
    clusters.applyClusters(List.of(staticCluster("rq", b.port()).circuitBreakers(limits(10, 10, 1, 3, 1024)).build()));
    UpstreamCluster c = clusters.cluster("rq");
    Exchange first = Exchange.start(c, loop, Exchange.get("/hold"), HttpProtocol.HTTP_1_1);
    await().until(() -> b.heldCount() == 1);
    assertThat(gauge("cluster.rq.circuit_breakers.default.rq_open")).isEqualTo(1);
    UpstreamFailure f = failureOf(Exchange.start(c, loop, Exchange.get("/ok"), HttpProtocol.HTTP_1_1));
    assertThat(f.reason()).isEqualTo(UpstreamFailure.Reason.OVERFLOW);
    assertThat(counter("cluster.rq.upstream_rq_overflow")).isEqualTo(1);
    b.releaseHeld();
    assertThat(finish(first).status()).isEqualTo(200);
    await().until(() -> gauge("cluster.rq.circuit_breakers.default.rq_open") == 0);
    assertThat(finish(Exchange.start(c, loop, Exchange.get("/ok"), HttpProtocol.HTTP_1_1)).status()).isEqualTo(200);
  }

  @Test
  void maxRequestsAppliesToHttp2Streams() throws Exception {
    TestBackend b = closing(TestBackend.http2("h2", 100));
    clusters.applyClusters(List.of(staticCluster("h2", b.port()).protocolOptions(HttpProtocolOptions.of(io.trellis.proxy.config.cluster.UpstreamProtocolSelection.HTTP2))
        .circuitBreakers(limits(1024, 1024, 2, 3, 1024)).build()));
    UpstreamCluster c = clusters.cluster("h2");
    Exchange one = Exchange.start(c, loop, Exchange.get("/hold"), HttpProtocol.HTTP_2);
    Exchange two = Exchange.start(c, loop, Exchange.get("/hold"), HttpProtocol.HTTP_2);
    await().until(() -> b.heldCount() == 2);
    UpstreamFailure f = failureOf(Exchange.start(c, loop, Exchange.get("/ok"), HttpProtocol.HTTP_2));
    assertThat(f.reason()).isEqualTo(UpstreamFailure.Reason.OVERFLOW);
    assertThat(counter("cluster.h2.upstream_rq_overflow")).isEqualTo(1);
    b.releaseHeld();
    assertThat(finish(one).status()).isEqualTo(200);
    assertThat(finish(two).status()).isEqualTo(200);
  }

  @Test
  void maxConnectionPoolsLimitsPoolsAcrossHosts() throws Exception {
    TestBackend a = closing(TestBackend.http1("a"));
    TestBackend b = closing(TestBackend.http1("b"));
    clusters.applyClusters(List.of(staticCluster("pools", a.port(), b.port())
        .circuitBreakers(limits(1024, 1024, 1024, 3, 1)).build()));
    UpstreamCluster c = clusters.cluster("pools");
    int ok = 0;
    int overflow = 0;
    for (int i = 0; i < 4; i++) { // round robin alternates the two hosts; only one may have a pool
      Exchange x = Exchange.start(c, loop, Exchange.get("/ok"), HttpProtocol.HTTP_1_1);
      try {
        x.done.get(10, java.util.concurrent.TimeUnit.SECONDS);
        ok++;
      } catch (java.util.concurrent.ExecutionException e) {
        assertThat(((UpstreamFailure) e.getCause()).reason()).isEqualTo(UpstreamFailure.Reason.OVERFLOW);
        overflow++;
      }
    }
    assertThat(ok).isEqualTo(2);
    assertThat(overflow).isEqualTo(2);
    assertThat(counter("cluster.pools.upstream_cx_pool_overflow")).isEqualTo(2);
    assertThat(gauge("cluster.pools.circuit_breakers.default.cx_pool_open")).isEqualTo(1);
  }

  @Test
  void highPriorityRequestsUseTheirOwnPoolsAndThresholds() throws Exception {
    TestBackend b = closing(TestBackend.http1("a"));
    clusters.applyClusters(List.of(staticCluster("prio", b.port()).circuitBreakers(limits(1, 1, 1024, 3, 1024)).build()));
    UpstreamCluster c = clusters.cluster("prio");
    Exchange first = Exchange.start(c, loop, Exchange.get("/hold"), HttpProtocol.HTTP_1_1);
    await().until(() -> b.heldCount() == 1);
    Exchange second = Exchange.start(c, loop, Exchange.get("/hold"), HttpProtocol.HTTP_1_1);
    await().until(() -> gauge("cluster.prio.upstream_rq_pending_active") == 1);
    assertThat(failureOf(Exchange.start(c, loop, Exchange.get("/ok"), HttpProtocol.HTTP_1_1)).reason())
        .isEqualTo(UpstreamFailure.Reason.OVERFLOW);

    // DEFAULT is full; HIGH (Envoy's defaults here) opens its own connection and is served
    Host host = c.chooseHost(LoadBalancerContext.NONE);
    HttpConnectionPool high = c.httpPool(host, loop, HttpProtocol.HTTP_1_1, RoutingPriority.HIGH);
    assertThat(high).isNotSameAs(c.httpPool(host, loop, HttpProtocol.HTTP_1_1));
    assertThat(finish(Exchange.startOn(high, loop, Exchange.get("/ok"))).status()).isEqualTo(200);
    assertThat(b.connections).hasValue(2);
    assertThat(gauge("cluster.prio.circuit_breakers.high.cx_open")).isZero();
    assertThat(gauge("cluster.prio.circuit_breakers.default.cx_open")).isEqualTo(1);
    b.releaseHeld();
    assertThat(finish(first).status()).isEqualTo(200);
    await().until(() -> b.heldCount() == 1);
    b.releaseHeld();
    assertThat(finish(second).status()).isEqualTo(200);
  }

  @Test
  void retriesAreLimitedPerPriority() throws Exception {
    TestBackend b = closing(TestBackend.http1("a"));
    clusters.applyClusters(List.of(staticCluster("retry", b.port()).build())); // Envoy's default max_retries: 3
    UpstreamCluster c = clusters.cluster("retry");
    assertThat(c.circuitBreakers().defaultPriority().maxRetries()).isEqualTo(3);
    for (int i = 0; i < 3; i++) {
      assertThat(c.tryAcquireRetry(RoutingPriority.DEFAULT)).isTrue();
    }
    assertThat(c.tryAcquireRetry(RoutingPriority.DEFAULT)).isFalse();
    assertThat(counter("cluster.retry.upstream_rq_retry_overflow")).isEqualTo(1);
    assertThat(gauge("cluster.retry.circuit_breakers.default.rq_retry_open")).isEqualTo(1);
    assertThat(c.tryAcquireRetry(RoutingPriority.HIGH)).isTrue(); // HIGH has its own thresholds
    c.releaseRetry(RoutingPriority.DEFAULT);
    assertThat(gauge("cluster.retry.circuit_breakers.default.rq_retry_open")).isZero();
    assertThat(c.tryAcquireRetry(RoutingPriority.DEFAULT)).isTrue();
  }

  @Test
  void aReplacedClusterVersionNoLongerMovesTheSharedGauges() throws Exception {
    TestBackend b = closing(TestBackend.http1("a"));
    clusters.applyClusters(List.of(staticCluster("gv", b.port()).circuitBreakers(limits(2, 5, 1024, 3, 1024)).build()));
    UpstreamCluster c = clusters.cluster("gv");
    Exchange held = Exchange.start(c, loop, Exchange.get("/hold"), HttpProtocol.HTTP_1_1);
    await().until(() -> b.heldCount() == 1);
    assertThat(gauge("cluster.gv.circuit_breakers.default.remaining_cx")).isEqualTo(1);
    // a new version (other limits) takes over while the old one still has its connection
    clusters.applyClusters(List.of(staticCluster("gv", b.port()).circuitBreakers(limits(4, 5, 1024, 3, 1024)).build()));
    await().until(() -> gauge("cluster.gv.circuit_breakers.default.remaining_cx") == 4);
    b.releaseHeld();
    assertThat(finish(held).status()).isEqualTo(200);
    await().until(() -> gauge("cluster.gv.upstream_cx_active") == 0); // the old version's connection drained
    assertThat(gauge("cluster.gv.circuit_breakers.default.remaining_cx")).isEqualTo(4);
  }

  @Test
  void rawTcpConnectionsCountAgainstMaxConnections() throws Exception {
    TestBackend b = closing(TestBackend.http1("a"));
    clusters.applyClusters(List.of(staticCluster("tcp", b.port()).circuitBreakers(limits(1, 1, 1024, 3, 1024)).build()));
    UpstreamCluster c = clusters.cluster("tcp");
    Host host = c.chooseHost(LoadBalancerContext.NONE);
    io.netty.channel.Channel first = c.connectTcp(host, loop).get(10, java.util.concurrent.TimeUnit.SECONDS);
    try {
      var f = c.connectTcp(host, loop);
      f.await(10, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(f.cause()).isInstanceOf(UpstreamFailure.class);
      assertThat(((UpstreamFailure) f.cause()).reason()).isEqualTo(UpstreamFailure.Reason.OVERFLOW);
      assertThat(counter("cluster.tcp.upstream_cx_overflow")).isGreaterThanOrEqualTo(1);
    } finally {
      first.close().syncUninterruptibly();
    }
    await().until(() -> gauge("cluster.tcp.circuit_breakers.default.cx_open") == 0);
    c.connectTcp(host, loop).get(10, java.util.concurrent.TimeUnit.SECONDS).close().syncUninterruptibly();
  }

  @Test
  void retryBudgetGrowsWithTheRequestsInFlight() throws Exception {
    TestBackend b = closing(TestBackend.http1("a"));
    var budget = new CircuitBreakers.Thresholds(1024, 1024, 1024, 3, CircuitBreakers.Thresholds.UNLIMITED, false,
        new CircuitBreakers.RetryBudget(20, 1));
    clusters.applyClusters(List.of(staticCluster("budget", b.port())
        .circuitBreakers(new CircuitBreakers(budget, CircuitBreakers.Thresholds.DEFAULT)).build()));
    UpstreamCluster c = clusters.cluster("budget");
    // idle: only min_retry_concurrency (1), not max_retries (3)
    assertThat(c.tryAcquireRetry(RoutingPriority.DEFAULT)).isTrue();
    assertThat(c.tryAcquireRetry(RoutingPriority.DEFAULT)).isFalse();
    assertThat(counter("cluster.budget.upstream_rq_retry_overflow")).isEqualTo(1);
    // ten requests held at the backend: 20% of 10 = 2 retries may run
    List<Exchange> held = new java.util.ArrayList<>();
    for (int i = 0; i < 10; i++) {
      held.add(Exchange.start(c, loop, Exchange.get("/hold"), HttpProtocol.HTTP_1_1));
    }
    await().until(() -> b.heldCount() == 10);
    assertThat(c.tryAcquireRetry(RoutingPriority.DEFAULT)).isTrue();
    assertThat(c.tryAcquireRetry(RoutingPriority.DEFAULT)).isFalse();
    assertThat(counter("cluster.budget.upstream_rq_retry_overflow")).isEqualTo(2);
    b.releaseHeld();
    for (Exchange x : held) {
      assertThat(finish(x).status()).isEqualTo(200);
    }
    // traffic gone: back to the minimum, and both slots are still taken
    assertThat(c.tryAcquireRetry(RoutingPriority.DEFAULT)).isFalse();
    c.releaseRetry(RoutingPriority.DEFAULT);
    c.releaseRetry(RoutingPriority.DEFAULT);
    assertThat(c.tryAcquireRetry(RoutingPriority.DEFAULT)).isTrue();
  }

  @Test
  void perHostMaxConnectionsHoldsOneHostWhileOthersConnect() throws Exception {
    TestBackend a = closing(TestBackend.http1("a"));
    TestBackend b = closing(TestBackend.http1("b"));
    clusters.applyClusters(List.of(staticCluster("ph", a.port(), b.port())
        .circuitBreakers(new CircuitBreakers(CircuitBreakers.Thresholds.DEFAULT, CircuitBreakers.Thresholds.DEFAULT,
            1, CircuitBreakers.Thresholds.UNLIMITED)).build()));
    UpstreamCluster c = clusters.cluster("ph");
    Host hostA = null;
    Host hostB = null;
    for (int i = 0; i < 4 && (hostA == null || hostB == null); i++) {
      Host h = c.chooseHost(LoadBalancerContext.NONE);
      if (h.address().getPort() == a.port()) {
        hostA = h;
      } else {
        hostB = h;
      }
    }
    HttpConnectionPool poolA = c.httpPool(hostA, loop, HttpProtocol.HTTP_1_1);
    Exchange first = Exchange.startOn(poolA, loop, Exchange.get("/hold"));
    await().until(() -> a.heldCount() == 1);
    Exchange second = Exchange.startOn(poolA, loop, Exchange.get("/hold"));
    await().until(() -> gauge("cluster.ph.upstream_rq_pending_active") == 1);
    assertThat(counter("cluster.ph.upstream_cx_overflow")).isGreaterThanOrEqualTo(1);
    assertThat(a.connections).hasValue(1);
    // raw TCP to the same host overflows too
    var tcp = c.connectTcp(hostA, loop);
    tcp.await(10, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(tcp.cause()).isInstanceOf(UpstreamFailure.class).hasMessageContaining("per-host max_connections 1");
    // another host is not held back by host a's limit
    Exchange other = Exchange.startOn(c.httpPool(hostB, loop, HttpProtocol.HTTP_1_1), loop, Exchange.get("/hold"));
    await().until(() -> b.heldCount() == 1);
    b.releaseHeld();
    assertThat(finish(other).status()).isEqualTo(200);

    a.releaseHeld();
    assertThat(finish(first).status()).isEqualTo(200);
    await().until(() -> a.heldCount() == 1); // the waiter runs on the one connection
    a.releaseHeld();
    assertThat(finish(second).status()).isEqualTo(200);
    assertThat(a.connections).hasValue(1);
  }

  @Test
  void invalidThresholdsAreRejectedWithTheField() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new CircuitBreakers.Thresholds(-1, 1, 1, 1, 1, false))
        .hasMessage("max_connections: -1 (expected: 0..4294967295)");
  }
}
