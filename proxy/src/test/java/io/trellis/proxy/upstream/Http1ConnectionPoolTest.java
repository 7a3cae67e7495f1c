package io.trellis.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trellis.proxy.config.cluster.HttpProtocolOptions;
import io.trellis.proxy.config.cluster.UpstreamProtocolSelection;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class Http1ConnectionPoolTest extends UpstreamTestSupport {

  private UpstreamCluster cluster(String name, TestBackend b, HttpProtocolOptions options) {
    clusters.applyClusters(List.of(staticCluster(name, b.port()).protocolOptions(options).build()));
    return clusters.cluster(name);
  }

  @Test
  void sequentialRequestsReuseOneKeepAliveConnection() throws Exception {
    TestBackend b = closing(TestBackend.http1("a"));
    UpstreamCluster c = cluster("web", b, HttpProtocolOptions.DEFAULT);
    for (int i = 0; i < 20; i++) {
      Exchange x = finish(Exchange.start(c, loop, Exchange.get("/ok"), HttpProtocol.HTTP_1_1));
      assertThat(x.status()).isEqualTo(200);
      assertThat(x.text()).isEqualTo("ok a 0");
    }
    assertThat(b.connections).hasValue(1);
    assertThat(counter("cluster.web.upstream_cx_total")).isEqualTo(1);
    assertThat(gauge("cluster.web.upstream_cx_active")).isEqualTo(1);
    HostView host = clusters.view("web").hosts().getFirst();
    assertThat(host.rqTotal()).isEqualTo(20);
    assertThat(host.rqSuccess()).isEqualTo(20);
    assertThat(host.cxActive()).isEqualTo(1);
    assertThat(gauge("cluster.web.upstream_rq_active")).isZero();
  }

  @Test
  void maxRequestsPerConnectionRetiresConnections() throws Exception {
    TestBackend b = closing(TestBackend.http1("a"));
    UpstreamCluster c = cluster("web", b, HttpProtocolOptions.DEFAULT.withMaxRequestsPerConnection(3));
    for (int i = 0; i < 10; i++) {
      assertThat(finish(Exchange.start(c, loop, Exchange.get("/ok"), HttpProtocol.HTTP_1_1)).status())
          .isEqualTo(200);
    }
    assertThat(b.connections).hasValue(4);
    await().untilAsserted(() -> assertThat(b.openConnections).hasValue(1));
    assertThat(counter("cluster.web.upstream_cx_max_requests")).isEqualTo(3);
  }

  @Test
  void idleConnectionsCloseAfterTheIdleTimeout() throws Exception {
    TestBackend b = closing(TestBackend.http1("a"));
    UpstreamCluster c = cluster("web", b, HttpProtocolOptions.DEFAULT.withIdleTimeout(Duration.ofMillis(300)));
    assertThat(finish(Exchange.start(c, loop, Exchange.get("/ok"), HttpProtocol.HTTP_1_1)).status())
        .isEqualTo(200);
    assertThat(b.openConnections).hasValue(1);
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(b.openConnections).hasValue(0));
    assertThat(counter("cluster.web.upstream_cx_idle_timeout")).isEqualTo(1);
    await().untilAsserted(() -> assertThat(gauge("cluster.web.upstream_cx_active")).isZero());
    assertThat(counter("cluster.web.upstream_cx_destroy")).isEqualTo(1);
  }

  @Test
  void connectionCloseFromTheServerRetiresTheConnection() throws Exception {
    TestBackend b = closing(TestBackend.http1("a"));
    UpstreamCluster c = cluster("web", b, HttpProtocolOptions.DEFAULT);
    assertThat(finish(Exchange.start(c, loop, Exchange.get("/close"), HttpProtocol.HTTP_1_1)).text())
        .isEqualTo("bye");
    assertThat(finish(Exchange.start(c, loop, Exchange.get("/ok"), HttpProtocol.HTTP_1_1)).status())
        .isEqualTo(200);
    assertThat(b.connections).hasValue(2);
  }

  @Test
  void connectionCloseFromTheRequestRetiresTheConnection() throws Exception {
    TestBackend b = closing(TestBackend.http1("a"));
    UpstreamCluster c = cluster("web", b, HttpProtocolOptions.DEFAULT);
    var req = Exchange.get("/ok");
    req.headers().set("connection", "close");
    assertThat(finish(Exchange.start(c, loop, req, HttpProtocol.HTTP_1_1)).status()).isEqualTo(200);
    await().untilAsserted(() -> assertThat(b.openConnections).hasValue(0));
  }

  @Test
  void aRefusedConnectionIsAConnectionFailure() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    clusters.applyClusters(List.of(staticCluster("gone", port).build()));
    UpstreamFailure f = failureOf(Exchange.start(clusters.cluster("gone"), loop, Exchange.get("/ok"), HttpProtocol.HTTP_1_1));
    assertThat(f.reason()).isEqualTo(UpstreamFailure.Reason.CONNECTION_FAILURE);
    assertThat(counter("cluster.gone.upstream_cx_connect_fail")).isEqualTo(1);
    await().untilAsserted(() -> assertThat(gauge("cluster.gone.upstream_cx_active")).isZero());
    assertThat(gauge("cluster.gone.upstream_rq_pending_active")).isZero();
  }

  @Test
  void aServerThatNeverAcceptsGivesAConnectTimeout() throws Exception {
    // A listening socket with a backlog of 1 that never accepts: once its queue is full the kernel
    // drops further SYNs, so a connect neither succeeds nor is refused.
    ServerSocket s = closing(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
    List<Socket> fillers = new ArrayList<>();
    try {
      for (int i = 0; i < 20; i++) {
        Socket f = new Socket();
        fillers.add(f);
        try {
          f.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), s.getLocalPort()), 200);
        } catch (SocketTimeoutException full) {
          break;
        }
      }
      clusters.applyClusters(List.of(staticCluster("stuck", s.getLocalPort()).connectTimeout(Duration.ofMillis(300)).build()));
      UpstreamFailure f = failureOf(Exchange.start(clusters.cluster("stuck"), loop, Exchange.get("/ok"), HttpProtocol.HTTP_1_1));
      assertThat(f.reason()).isEqualTo(UpstreamFailure.Reason.CONNECT_TIMEOUT);
      assertThat(counter("cluster.stuck.upstream_cx_connect_timeout")).isEqualTo(1);
      assertThat(counter("cluster.stuck.upstream_cx_connect_fail")).isEqualTo(1);
    } finally {
      for (Socket f : fillers) {
        try {
          f.close();
        } catch (IOException ignored) {
          // closing a socket that never connected
        }
      }
    }
  }

  @Test
  void aServerClosingMidResponseIsARemoteReset() throws Exception {
    TestBackend b = closing(TestBackend.http1("a"));
    UpstreamCluster c = cluster("web", b, HttpProtocolOptions.DEFAULT);
    UpstreamFailure f = failureOf(Exchange.start(c, loop, Exchange.get("/die"), HttpProtocol.HTTP_1_1));
    assertThat(f.reason()).isEqualTo(UpstreamFailure.Reason.REMOTE_RESET);
    assertThat(clusters.view("web").hosts().getFirst().rqError()).isEqualTo(1);
    // The pool recovers with a fresh connection.
    assertThat(finish(Exchange.start(c, loop, Exchange.get("/ok"), HttpProtocol.HTTP_1_1)).status())
        .isEqualTo(200);
  }

  @Test
  void aLargeResponseStreamsWithBackPressure() throws Exception {
    // 32 MB under a PARANOID leak detector (which other test classes switch on for the whole JVM)
    // takes most of a minute on a loaded machine; this test is about back-pressure, not leaks.
    io.netty.util.ResourceLeakDetector.Level level = io.netty.util.ResourceLeakDetector.getLevel();
    io.netty.util.ResourceLeakDetector.setLevel(io.netty.util.ResourceLeakDetector.Level.SIMPLE);
    try {
      streamLargeResponse();
    } finally {
      io.netty.util.ResourceLeakDetector.setLevel(level);
    }
  }

  private void streamLargeResponse() throws Exception {
    TestBackend b = closing(TestBackend.http1("a"));
    UpstreamCluster c = cluster("web", b, HttpProtocolOptions.DEFAULT);
    int n = 32 * 1024 * 1024; // more than loopback's auto-tuned socket buffers can hold, so the server must block
    Exchange x = Exchange.start(c, loop, Exchange.get("/bytes/" + n), HttpProtocol.HTTP_1_1, LoadBalancerContext.NONE, false);
    assertThat(x.head.get(10, java.util.concurrent.TimeUnit.SECONDS).status().code()).isEqualTo(200);
    // We stopped reading after the head: the server must find its socket unwritable.
    await().atMost(Duration.ofSeconds(10)).untilTrue(b.sawUnwritable);
    assertThat(x.body.size()).isLessThan(n);
    int partsWhilePaused = x.parts;
    x.readMore(); // one read delivers what one socket read gave, no more
    await().atMost(Duration.ofSeconds(10)).until(() -> x.parts > partsWhilePaused);
    assertThat(x.done).isNotDone();
    x.resumeAutoRead();
    byte[] got = x.done.get().body.toByteArray();
    assertThat(got).hasSize(n);
    for (int i = 0; i < n; i += 4099) {
      assertThat(got[i]).isEqualTo((byte) (i % 251));
    }
    assertThat(got[n - 1]).isEqualTo((byte) ((n - 1) % 251));
  }

  @Test
  void requestsWaitForAConnectionWhenThePoolIsFull() throws Exception {
    TestBackend b = closing(TestBackend.http1("a"));
    clusters.applyClusters(List.of(staticCluster("web", b.port()).build()));
    UpstreamHost host = (UpstreamHost) clusters.cluster("web").chooseHost(LoadBalancerContext.NONE);
    ClusterRuntime runtime = (ClusterRuntime) clusters.cluster("web");
    PoolContext base = runtimeContext(runtime);
    PoolContext limited = new PoolContext("web", base.settings().withLimits(1, 2), base.connector(), base.stats());
    Http1ConnectionPool pool = new Http1ConnectionPool(loop, host, limited);
    Exchange first = Exchange.startOn(pool, loop, Exchange.get("/hold"));
    await().untilAsserted(() -> assertThat(b.heldCount()).isEqualTo(1));
    Exchange second = Exchange.startOn(pool, loop, Exchange.get("/ok"));
    Exchange third = Exchange.startOn(pool, loop, Exchange.get("/ok"));
    Exchange fourth = Exchange.startOn(pool, loop, Exchange.get("/ok"));
    assertThat(failureOf(fourth).reason()).isEqualTo(UpstreamFailure.Reason.OVERFLOW);
    assertThat(gauge("cluster.web.upstream_rq_pending_active")).isEqualTo(2);
    b.releaseHeld();
    assertThat(finish(first).text()).isEqualTo("held a");
    assertThat(finish(second).status()).isEqualTo(200);
    assertThat(finish(third).status()).isEqualTo(200);
    assertThat(b.connections).hasValue(1);
    assertThat(gauge("cluster.web.upstream_rq_pending_active")).isZero();
    assertThat(counter("cluster.web.upstream_rq_pending_overflow")).isEqualTo(1);
  }

  @Test
  void anUpgradedConnectionCarriesRawBytesBothWays() throws Exception {
    TestBackend b = closing(TestBackend.http1("a"));
    UpstreamCluster c = cluster("ws", b, HttpProtocolOptions.DEFAULT);
    var req = Exchange.get("/upgrade");
    req.headers().set("upgrade", "websocket").set("connection", "Upgrade");
    Exchange x = Exchange.start(c, loop, req, HttpProtocol.HTTP_1_1);
    assertThat(x.head.get(10, java.util.concurrent.TimeUnit.SECONDS).status().code()).isEqualTo(101);
    loop.execute(() -> x.stream.write(new io.netty.handler.codec.http.DefaultHttpContent(
        io.netty.buffer.Unpooled.copiedBuffer("ping", java.nio.charset.StandardCharsets.UTF_8)), true));
    await().atMost(Duration.ofSeconds(5)).until(() -> x.text().equals("ping"));
    assertThat(x.done).isNotDone();
    loop.execute(() -> x.stream.reset());
    await().untilAsserted(() -> assertThat(b.openConnections).hasValue(0));
  }

  static PoolContext runtimeContext(ClusterRuntime r) throws Exception {
    var f = ClusterRuntime.class.getDeclaredField("poolContext");
    f.setAccessible(true);
    return (PoolContext) f.get(r);
  }

  @Test
  void useDownstreamProtocolPicksThePoolByTheDownstream() throws Exception {
    TestBackend h1 = closing(TestBackend.http1("a"));
    UpstreamCluster c = cluster("web", h1, HttpProtocolOptions.of(UpstreamProtocolSelection.USE_DOWNSTREAM));
    Exchange x = finish(Exchange.start(c, loop, Exchange.get("/ok"), HttpProtocol.HTTP_1_1));
    assertThat(x.stream.protocol()).isEqualTo(HttpProtocol.HTTP_1_1);
    assertThat(Set.of(x.status())).containsExactly(200);
  }
}
