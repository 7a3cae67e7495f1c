package io.trellis.cli;

import static io.trellis.cli.ControlPlaneCommandTest.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.trellis.control.ControlPlane;
import io.trellis.control.admin.StateDirectory;
import io.trellis.control.xds.XdsResources;
import io.trellis.control.xds.XdsType;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code trellis proxy-status} and {@code trellis proxy-config} against a control plane with a
 * proxy connected over real ADS.
 */
class ProxyStatusCommandTest {
  static final String ID = "sidecar~10.0.0.7~reviews-v1-1.default~default.svc.cluster.local";

  @TempDir Path state;
  private ControlPlane cp;
  private ManagedChannel channel;
  private final BlockingQueue<DiscoveryResponse> responses = new LinkedBlockingQueue<>();
  private StreamObserver<DiscoveryRequest> requests;

  @BeforeEach
  void start() throws Exception {
    XdsResources resources =
        XdsResources.builder()
            .add(Cluster.newBuilder().setName("outbound|9080|v1|reviews.default.svc.cluster.local").setType(Cluster.DiscoveryType.EDS).build())
            .build();
    cp = ControlPlane.start(
        ControlPlane.Options.defaults(null, new StateDirectory(state)).withPorts(0, 0, -1),
        snapshot -> node -> resources,
        Clock.systemUTC());
    channel = NettyChannelBuilder.forAddress("127.0.0.1", cp.info().xdsPort()).usePlaintext().build();
    requests =
        AggregatedDiscoveryServiceGrpc.newStub(channel)
            .streamAggregatedResources(
                new StreamObserver<>() {
                  @Override
                  public void onNext(DiscoveryResponse r) {
                    responses.add(r);
                  }

                  @Override
                  public void onError(Throwable t) {}

                  @Override
                  public void onCompleted() {}
                });
    Node node =
        Node.newBuilder()
            .setId(ID)
            .setMetadata(Struct.newBuilder().putFields("NAMESPACE", Value.newBuilder().setStringValue("default").build()))
            .build();
    requests.onNext(DiscoveryRequest.newBuilder().setNode(node).setTypeUrl(XdsType.CLUSTER.typeUrl()).build());
    DiscoveryResponse cds = responses.poll(10, TimeUnit.SECONDS);
    assertThat(cds).isNotNull();
    requests.onNext(
        DiscoveryRequest.newBuilder()
            .setTypeUrl(XdsType.CLUSTER.typeUrl())
            .setVersionInfo(cds.getVersionInfo())
            .setResponseNonce(cds.getNonce())
            .build());
  }

  @AfterEach
  void stop() throws Exception {
    requests.onCompleted();
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    cp.close();
  }

  @Test
  void proxyStatusShowsEachTypesSyncState() {
    await().untilAsserted(() -> {
      String[] r = run("proxy-status", "--state-dir", state.toString());
      assertThat(r[0]).isEqualTo("0");
      assertThat(r[1]).containsPattern("(?m)^NAME\\s+KIND\\s+CDS\\s+LDS\\s+EDS\\s+RDS\\s+PROTOCOL$");
      assertThat(r[1]).containsPattern(java.util.regex.Pattern.quote(ID) + "\\s+SIDECAR\\s+SYNCED\\s+NOT SENT\\s+NOT SENT\\s+NOT SENT\\s+sotw");
    });
    String[] json = run("proxy-status", "-o", "json", "--state-dir", state.toString());
    assertThat(json[1]).contains("\"id\" : \"" + ID + "\"").contains("\"state\" : \"SYNCED\"");
  }

  @Test
  void proxyConfigShowsWhatWasSent() {
    String[] table = run("proxy-config", "clusters", ID, "--state-dir", state.toString());
    assertThat(table[0]).as(table[2]).isEqualTo("0");
    assertThat(table[1]).startsWith("SERVICE FQDN").containsPattern("reviews\\.default\\.svc\\.cluster\\.local\\s+9080\\s+v1\\s+outbound\\s+EDS");
    String[] json = run("proxy-config", "clusters", ID, "-o", "json", "--state-dir", state.toString());
    assertThat(json[1]).contains("\"name\": \"outbound|9080|v1|reviews.default.svc.cluster.local\"").contains("\"type\": \"EDS\"");
    String[] listeners = run("proxy-config", "listeners", ID, "--state-dir", state.toString());
    assertThat(listeners[1]).isEqualTo("NAME  ADDRESS  PORT  FILTER CHAINS\n");
    // istioctl's POD.NAMESPACE form and a bare pod name name the same proxy.
    assertThat(run("proxy-config", "clusters", "reviews-v1-1.default", "--state-dir", state.toString())[1]).isEqualTo(table[1]);
    assertThat(run("proxy-config", "clusters", "reviews-v1-1", "--state-dir", state.toString())[1]).isEqualTo(table[1]);
    String[] unknown = run("proxy-config", "clusters", "nobody", "--state-dir", state.toString());
    assertThat(unknown[0]).isEqualTo("1");
    assertThat(unknown[2]).contains("no connected proxy has id \"nobody\"");
  }
}
