package io.trellis.control;

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
import io.trellis.control.admin.AdminClient;
import io.trellis.control.admin.StateDirectory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 5's proxyless acceptance through the assembled control plane (config directory → store →
 * the translation found on the class path → xDS): grpc-java's own xDS client resolves {@code
 * xds:///greeter.test:8080} and is routed by a VirtualService (20/80 weights, a header match) and
 * follows a DestinationRule subset change applied through the API.
 */
class ProxylessGrpcMeshTest {
  /** A one-method service answering with its version, so the client can tell backends apart. */
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

  private static final MethodDescriptor<String, String> WHO =
      MethodDescriptor.<String, String>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName("trellis.test.Greeter/Who")
          .setRequestMarshaller(TEXT)
          .setResponseMarshaller(TEXT)
          .build();

  private static Server backend(String version) throws IOException {
    ServerServiceDefinition svc =
        ServerServiceDefinition.builder("trellis.test.Greeter")
            .addMethod(WHO, ServerCalls.asyncUnaryCall((req, out) -> {
              out.onNext(version);
              out.onCompleted();
            }))
            .build();
    return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(svc).build().start();
  }

  static String mesh(int v1Port, int v2Port) {
    return """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata:
          name: greeter
        spec:
          hosts: [greeter.test]
          location: MESH_INTERNAL
          resolution: STATIC
          ports:
          - {number: 8080, name: grpc, protocol: GRPC}
          endpoints:
          - {address: 127.0.0.1, ports: {grpc: %d}, labels: {app: greeter, version: v1}}
          - {address: 127.0.0.1, ports: {grpc: %d}, labels: {app: greeter, version: v2}}
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata:
          name: greeter
        spec:
          hosts: [greeter.test]
          http:
          - match:
            - headers:
                end-user: {exact: jason}
            route:
            - destination: {host: greeter.test, subset: v2}
          - route:
            - destination: {host: greeter.test, subset: v1}
              weight: 20
            - destination: {host: greeter.test, subset: v2}
              weight: 80
        """.formatted(v1Port, v2Port);
  }

  static String destinationRule(String v1Version) {
    return """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata:
          name: greeter
        spec:
          host: greeter.test
          subsets:
          - {name: v1, labels: {version: %s}}
          - {name: v2, labels: {version: v2}}
        """.formatted(v1Version);
  }

  @TempDir Path config;
  @TempDir Path state;

  @Test
  void weightsHeaderMatchesAndSubsetChangesReachGrpcJava() throws Exception {
    Server v1 = backend("v1");
    Server v2 = backend("v2");
    ControlPlane cp = null;
    ManagedChannel channel = null;
    try {
      Files.writeString(config.resolve("greeter.yaml"), mesh(v1.getPort(), v2.getPort()));
      Files.writeString(config.resolve("greeter-dr.yaml"), destinationRule("v1"));
      cp = ControlPlane.start(ControlPlane.Options.defaults(config, new StateDirectory(state)).withPorts(0, 0, -1));

      Map<String, ?> bootstrap =
          Map.of(
              "xds_servers",
              List.of(Map.of(
                  "server_uri", "127.0.0.1:" + cp.info().xdsPort(),
                  "channel_creds", List.of(Map.of("type", "insecure")),
                  "server_features", List.of("xds_v3"))),
              "node",
              Map.of(
                  "id", "sidecar~127.0.0.1~greeter-client-1.default~default.svc.cluster.local",
                  "metadata", Map.of("NAMESPACE", "default", "GENERATOR", "grpc")));
      String scheme = "trellis-mesh-test";
      NameResolverRegistry.getDefaultRegistry().register(XdsNameResolverProvider.createForTest(scheme, bootstrap));
      channel = ManagedChannelBuilder.forTarget(scheme + ":///greeter.test:8080").usePlaintext().build();
      ManagedChannel ch = channel;

      // 20/80 over 1000 calls, within ±5 percentage points.
      int toV1 = 0;
      for (int i = 0; i < 1000; i++) {
        String who = ClientCalls.blockingUnaryCall(ch, WHO, CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS), "hi");
        if (who.equals("v1")) {
          toV1++;
        }
      }
      assertThat(toV1).as("calls to v1 out of 1000 (20%% expected)").isBetween(150, 250);

      // The header match sends jason to v2, every time.
      Metadata jason = new Metadata();
      jason.put(Metadata.Key.of("end-user", Metadata.ASCII_STRING_MARSHALLER), "jason");
      Channel asJason = ClientInterceptors.intercept(ch, MetadataUtils.newAttachHeadersInterceptor(jason));
      for (int i = 0; i < 50; i++) {
        assertThat(ClientCalls.blockingUnaryCall(asJason, WHO, CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS), "hi"))
            .isEqualTo("v2");
      }

      // Re-point subset v1 at the v2 workload through the API: every call now lands on v2.
      AdminClient client = AdminClient.connect(new StateDirectory(state));
      assertThat(client.apply("greeter-dr.yaml", destinationRule("v2")).ok()).isTrue();
      long applied = System.nanoTime();
      await()
          .atMost(Duration.ofSeconds(1))
          .pollInterval(Duration.ofMillis(10))
          .until(() -> {
            for (int i = 0; i < 20; i++) {
              if (!ClientCalls.blockingUnaryCall(ch, WHO, CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS), "hi").equals("v2")) {
                return false;
              }
            }
            return true;
          });
      System.out.printf("subset change followed after %d ms; v1 share before: %d/1000%n", (System.nanoTime() - applied) / 1_000_000, toV1);
    } finally {
      if (channel != null) {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
      if (cp != null) {
        cp.close();
      }
      v1.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      v2.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
