package io.trellis.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.trellis.proxy.config.cluster.ClusterConfig;
import io.trellis.proxy.config.cluster.HealthCheck;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * gRPC health checks against grpc-java servers whose {@code grpc.health.v1} status the test flips
 * ({@link HealthStatusManager}), and HTTP checks over HTTP/2: hosts leave and rejoin the rotation.
 */
class GrpcHealthCheckTest extends UpstreamTestSupport {

  /** A grpc-java server on 127.0.0.1:0 serving the standard health service; counts checks and their authorities. */
  private static final class HealthServer implements AutoCloseable {
    final HealthStatusManager health = new HealthStatusManager();
    final Set<String> authorities = ConcurrentHashMap.newKeySet();
    final Map<String, String> metadata = new ConcurrentHashMap<>();
    final AtomicInteger checks = new AtomicInteger();
    final Server server;

    HealthServer() throws Exception {
      ServerInterceptor seen = new ServerInterceptor() {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
          checks.incrementAndGet();
          authorities.add(String.valueOf(call.getAuthority()));
          String v = headers.get(Metadata.Key.of("x-probe", Metadata.ASCII_STRING_MARSHALLER));
          if (v != null) {
            metadata.put("x-probe", v);
          }
          return next.startCall(call, headers);
        }
      };
      server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
          .addService(ServerInterceptors.intercept(health.getHealthService(), seen)).build().start();
    }

    int port() {
      return server.getPort();
    }

    @Override
    public void close() throws InterruptedException {
      server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  private Set<Integer> rotation(UpstreamCluster c) {
    Set<Integer> ports = new HashSet<>();
    for (int i = 0; i < 20; i++) {
      Host h = c.chooseHost(LoadBalancerContext.NONE);
      if (h != null) {
        ports.add(h.address().getPort());
      }
    }
    return ports;
  }

  private boolean healthy(String cluster, int port) {
    return clusters.view(cluster).hosts().stream().filter(h -> h.address().getPort() == port)
        .findFirst().orElseThrow().healthy();
  }

  @Test
  void aHostLeavesWhenItsServiceStopsServingAndRejoinsWhenItServesAgain() throws Exception {
    HealthServer a = closing(new HealthServer());
    HealthServer b = closing(new HealthServer());
    a.health.setStatus("shop.Cart", ServingStatus.SERVING);
    b.health.setStatus("shop.Cart", ServingStatus.SERVING);
    // a generous timeout: a cold grpc-java server on a loaded machine takes up to a second for its first calls
    // unhealthy_threshold 1000: only an answer (not silence) can take a host out within the test's time
    HealthCheck hc = HealthCheck.of(Duration.ofSeconds(3), Duration.ofMillis(100), 1000, 2,
            new HealthCheck.Grpc("shop.Cart", "", Map.of("x-probe", "trellis")))
        .withNoTrafficInterval(Duration.ofMillis(100));
    clusters.applyClusters(List.of(staticCluster("cart", a.port(), b.port()).healthChecks(List.of(hc)).build()));
    await().atMost(Duration.ofSeconds(10)).until(() -> clusters.isWarm("cart"));
    UpstreamCluster c = clusters.cluster("cart");
    assertThat(rotation(c)).containsExactlyInAnyOrder(a.port(), b.port());
    assertThat(a.authorities).containsExactly("cart"); // no authority configured: the cluster's name, as Envoy
    assertThat(a.metadata).containsEntry("x-probe", "trellis");

    // NOT_SERVING is an answer, not silence: the host leaves at once, not after unhealthy_threshold
    a.health.setStatus("shop.Cart", ServingStatus.NOT_SERVING);
    await().atMost(Duration.ofSeconds(15)).until(() -> !healthy("cart", a.port()));
    assertThat(counter("cluster.cart.health_check.network_failure")).isZero();
    // the health flag flips first, the balancer is rebuilt right after it: wait for the rotation too
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(rotation(c)).containsExactly(b.port()));

    // SERVING again: back after healthy_threshold (2) passes
    a.health.setStatus("shop.Cart", ServingStatus.SERVING);
    await().atMost(Duration.ofSeconds(15)).until(() -> healthy("cart", a.port()));
    await().atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(rotation(c)).containsExactlyInAnyOrder(a.port(), b.port()));

    // a service the server does not know (NOT_FOUND status) fails the host too
    a.health.clearStatus("shop.Cart");
    await().atMost(Duration.ofSeconds(15)).until(() -> !healthy("cart", a.port()));
    a.health.setStatus("shop.Cart", ServingStatus.SERVING);
    await().atMost(Duration.ofSeconds(15)).until(() -> healthy("cart", a.port()));

    // reuse_connection: every check of a host rides one HTTP/2 connection, one stream each
    assertThat(a.checks.get()).isGreaterThan(5);
    assertThat(clusters.view("cart").hosts()).allSatisfy(h -> assertThat(h.healthy()).isTrue());
  }

  @Test
  void aStoppedServerFailsItsChecksAfterUnhealthyThreshold() throws Exception {
    HealthServer a = closing(new HealthServer());
    HealthServer b = closing(new HealthServer()); // whole-server status (service ""): SERVING by default
    HealthCheck hc = HealthCheck.of(Duration.ofSeconds(3), Duration.ofMillis(100), 2, 1, HealthCheck.Grpc.service(""))
        .withNoTrafficInterval(Duration.ofMillis(100));
    clusters.applyClusters(List.of(staticCluster("whole", a.port(), b.port()).healthChecks(List.of(hc)).build()));
    await().atMost(Duration.ofSeconds(10)).until(() -> clusters.isWarm("whole"));
    int portA = a.port();
    await().atMost(Duration.ofSeconds(10)).until(() -> healthy("whole", portA));
    a.close(); // connection refused from now on: a network failure, counted toward unhealthy_threshold
    await().atMost(Duration.ofSeconds(10)).until(() -> !healthy("whole", portA));
    assertThat(counter("cluster.whole.health_check.network_failure")).isGreaterThanOrEqualTo(2);
    assertThat(rotation(clusters.cluster("whole"))).containsExactly(b.port());
  }

  @Test
  void httpChecksOverHttp2() throws Exception {
    TestBackend ok = closing(TestBackend.http2("ok", 100));
    TestBackend bad = closing(TestBackend.http2("bad", 100));
    HealthCheck good = HealthCheck.of(Duration.ofSeconds(1), Duration.ofMillis(100), 2, 1,
        HealthCheck.Http.path("/ok").withHttp2(true)).withNoTrafficInterval(Duration.ofMillis(100));
    HealthCheck failing = HealthCheck.of(Duration.ofSeconds(1), Duration.ofMillis(100), 2, 1,
        HealthCheck.Http.path("/status/503").withHttp2(true)).withNoTrafficInterval(Duration.ofMillis(100));
    clusters.applyClusters(List.of(
        staticCluster("h2ok", ok.port()).healthChecks(List.of(good)).build(),
        staticCluster("h2bad", bad.port()).healthChecks(List.of(failing)).build()));
    await().atMost(Duration.ofSeconds(10)).until(() -> clusters.isWarm("h2ok") && clusters.isWarm("h2bad"));
    await().atMost(Duration.ofSeconds(15)).until(() -> ok.requests.get() >= 3);
    assertThat(healthy("h2ok", ok.port())).isTrue();
    assertThat(healthy("h2bad", bad.port())).isFalse();
    assertThat(counter("cluster.h2bad.health_check.failure")).isGreaterThanOrEqualTo(1);
    assertThat(ok.connections).hasValue(1); // the backend speaks only h2c; all checks on one connection
  }
}
