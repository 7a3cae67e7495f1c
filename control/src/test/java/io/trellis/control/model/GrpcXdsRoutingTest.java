package io.trellis.control.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.NameResolverRegistry;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.ServerCalls;
import io.grpc.xds.XdsNameResolverProvider;
import io.trellis.control.sim.Mesh;
import io.trellis.control.xds.PushScope;
import io.trellis.control.xds.XdsServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * grpc-java's own xDS client (nobody here wrote it) against the xDS server fed by {@link
 * PushContext}: a channel to {@code xds:///reviews.default.svc.cluster.local:9080} — a Kubernetes
 * Service whose endpoints come from EndpointSlices and Pods — is split 20/80 by a VirtualService,
 * steered by a header match, and follows a DestinationRule subset change.
 */
class GrpcXdsRoutingTest {
  private static final String TARGET = "reviews.default.svc.cluster.local:9080";

  private static final MethodDescriptor.Marshaller<String> TEXT =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(String value) {
          return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
          try {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  /** A unary method answering with the backend's version, so the client can tell backends apart. */
  private static final MethodDescriptor<String, String> VERSION =
      MethodDescriptor.<String, String>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName("trellis.test.Reviews/Version")
          .setRequestMarshaller(TEXT)
          .setResponseMarshaller(TEXT)
          .build();

  private static Server backend(String version) throws IOException {
    return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(
            ServerServiceDefinition.builder("trellis.test.Reviews")
                .addMethod(VERSION, ServerCalls.asyncUnaryCall((req, out) -> {
                  out.onNext(version);
                  out.onCompleted();
                }))
                .build())
        .build()
        .start();
  }

  /** reviews as Kubernetes publishes it: a Service, a Pod per version, an EndpointSlice per Pod. */
  private static String registry(int v1Port, int v2Port) {
    StringBuilder sb = new StringBuilder("""
        apiVersion: v1
        kind: Service
        metadata: {name: reviews, namespace: default}
        spec:
          clusterIP: 10.96.0.13
          ports: [{port: 9080, name: grpc}]
          selector: {app: reviews}
        """);
    for (var e : Map.of("v1", v1Port, "v2", v2Port).entrySet()) {
      sb.append("""
          ---
          apiVersion: v1
          kind: Pod
          metadata: {name: reviews-%1$s, namespace: default, labels: {app: reviews, version: %1$s}}
          status: {phase: Running, podIP: 127.0.0.1}
          ---
          apiVersion: discovery.k8s.io/v1
          kind: EndpointSlice
          metadata: {name: reviews-%1$s, namespace: default, labels: {kubernetes.io/service-name: reviews}}
          addressType: IPv4
          endpoints:
          - addresses: [127.0.0.1]
            conditions: {ready: true}
            targetRef: {kind: Pod, namespace: default, name: reviews-%1$s}
          ports: [{name: grpc, port: %2$d, protocol: TCP}]
          """.formatted(e.getKey(), e.getValue()));
    }
    return sb.toString();
  }

  private static final String ROUTING = """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: reviews, namespace: default}
      spec:
        hosts: [reviews]
        http:
        - match:
          - headers:
              end-user: {exact: jason}
          route:
          - destination: {host: reviews, subset: v2}
        - route:
          - destination: {host: reviews, subset: v1}
            weight: 20
          - destination: {host: reviews, subset: v2}
            weight: 80
      """;

  private static String subsets(String v1Label) {
    return """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews, namespace: default}
        spec:
          host: reviews
          subsets:
          - {name: v1, labels: {version: %s}}
          - {name: v2, labels: {version: v2}}
        """.formatted(v1Label);
  }

  private static String call(Channel ch) {
    return ClientCalls.blockingUnaryCall(ch, VERSION, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), "?");
  }

  @Test
  void grpcJavaFollowsWeightsHeaderMatchesAndSubsetChanges() throws Exception {
    Server v1 = backend("v1");
    Server v2 = backend("v2");
    String registry = registry(v1.getPort(), v2.getPort());
    PushContext first = Mesh.create().yaml(registry).yaml(ROUTING).yaml(subsets("v1")).push();
    XdsServer server = XdsServer.builder().port(0).generator(first).start();
    ManagedChannel channel = null;
    try {
      Map<String, ?> bootstrap =
          Map.of(
              "xds_servers",
              List.of(Map.of(
                  "server_uri", "127.0.0.1:" + server.port(),
                  "channel_creds", List.of(Map.of("type", "insecure")),
                  "server_features", List.of("xds_v3"))),
              "node",
              Map.of(
                  "id", "sidecar~127.0.0.1~ratings-client-0.default~default.svc.cluster.local",
                  "metadata", Map.of("NAMESPACE", "default", "GENERATOR", "grpc")));
      String scheme = "trellis-push-context-test";
      NameResolverRegistry.getDefaultRegistry().register(XdsNameResolverProvider.createForTest(scheme, bootstrap));
      channel = ManagedChannelBuilder.forTarget(scheme + ":///" + TARGET).usePlaintext().build();
      ManagedChannel ch = channel;

      int toV1 = 0;
      for (int i = 0; i < 1000; i++) {
        if (call(ch).equals("v1")) {
          toV1++;
        }
      }
      System.out.printf("grpc-xds weighted split over 1000 calls: v1=%d v2=%d (VirtualService: 20/80)%n", toV1, 1000 - toV1);
      assertThat(toV1).as("calls to v1 of 1000, 200 ± 50 expected").isBetween(150, 250);

      Metadata jason = new Metadata();
      jason.put(Metadata.Key.of("end-user", Metadata.ASCII_STRING_MARSHALLER), "jason");
      Channel asJason = ClientInterceptors.intercept(ch, MetadataUtils.newAttachHeadersInterceptor(jason));
      for (int i = 0; i < 100; i++) {
        assertThat(call(asJason)).isEqualTo("v2");
      }

      // Subset v1 now selects the v2 pod: an endpoints-only change for the client's EDS.
      PushContext next = Mesh.create().yaml(registry).yaml(ROUTING).yaml(subsets("v2")).push();
      long start = System.nanoTime();
      server.update(next, PushScope.full(Set.of(), Instant.now()));
      await()
          .atMost(Duration.ofSeconds(1))
          .pollInterval(Duration.ofMillis(5))
          .until(() -> {
            for (int i = 0; i < 20; i++) {
              if (!call(ch).equals("v2")) {
                return false;
              }
            }
            return true;
          });
      System.out.printf("grpc-xds followed the DestinationRule subset change in %d ms%n", (System.nanoTime() - start) / 1_000_000);
    } finally {
      if (channel != null) {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
      server.close();
      v1.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      v2.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
