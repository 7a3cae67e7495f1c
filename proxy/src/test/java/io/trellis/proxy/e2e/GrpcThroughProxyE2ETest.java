package io.trellis.proxy.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.StreamObserver;
import io.trellis.proxy.bootstrap.BootstrapLoader;
import io.trellis.proxy.server.ProxyServer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * grpc-java's client through the proxy to grpc-java's server, both sides HTTP/2: the health service's
 * unary {@code Check} and server-streaming {@code Watch} (trailers, long-lived streams).
 */
class GrpcThroughProxyE2ETest {
  private final HealthStatusManager health = new HealthStatusManager();
  private Server backend;
  private ProxyServer proxy;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    backend =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(health.getHealthService()).build().start();
    health.setStatus("trellis.Echo", ServingStatus.SERVING);
    String yaml = StaticBootstrapE2ETest.bootstrap(backend.getPort(), true);
    proxy = ProxyServer.start(BootstrapLoader.parse("grpc.yaml", yaml), "grpc.yaml", ProxyServer.Options.defaults().withConcurrency(2));
    await().atMost(Duration.ofSeconds(10)).until(() -> proxy.state().initialized());
    channel = NettyChannelBuilder.forAddress("127.0.0.1", proxy.listenerPort("ingress")).usePlaintext().build();
  }

  @AfterEach
  void stop() throws Exception {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (proxy != null) {
      proxy.close();
    }
    if (backend != null) {
      backend.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void unaryCheck() {
    var stub = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    for (int i = 0; i < 20; i++) {
      HealthCheckResponse response = stub.check(HealthCheckRequest.newBuilder().setService("trellis.Echo").build());
      assertThat(response.getStatus()).isEqualTo(ServingStatus.SERVING);
    }
  }

  /**
   * A gRPC error is a trailers-only response (one HEADERS frame with END_STREAM carrying
   * {@code grpc-status}); split into HEADERS and an empty DATA frame, grpc-java would reject it with
   * "Received unexpected EOS on empty DATA frame from server" (INTERNAL).
   */
  @Test
  void errorStatusTravelsInATrailersOnlyResponse() {
    var stub = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    var error =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            io.grpc.StatusRuntimeException.class,
            () -> stub.check(HealthCheckRequest.newBuilder().setService("no.such.Service").build()));
    assertThat(error.getStatus().getCode()).as(error.getStatus().toString()).isEqualTo(io.grpc.Status.Code.NOT_FOUND);
  }

  @Test
  void serverStreamingWatchSeesEveryChange() throws Exception {
    LinkedBlockingQueue<Object> events = new LinkedBlockingQueue<>();
    var call = io.grpc.Context.current().withCancellation();
    try {
      call.run(
          () ->
              HealthGrpc.newStub(channel)
                  .watch(
                      HealthCheckRequest.newBuilder().setService("trellis.Echo").build(),
                      new StreamObserver<>() {
                        @Override
                        public void onNext(HealthCheckResponse value) {
                          events.add(value.getStatus());
                        }

                        @Override
                        public void onError(Throwable t) {
                          events.add(t);
                        }

                        @Override
                        public void onCompleted() {
                          events.add("completed");
                        }
                      }));
      assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo(ServingStatus.SERVING);
      health.setStatus("trellis.Echo", ServingStatus.NOT_SERVING);
      assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo(ServingStatus.NOT_SERVING);
      health.setStatus("trellis.Echo", ServingStatus.SERVING);
      assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo(ServingStatus.SERVING);
    } finally {
      call.cancel(null);
    }
  }
}
