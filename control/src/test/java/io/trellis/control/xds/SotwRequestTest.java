package io.trellis.control.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import java.io.ByteArrayOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Splitting a state-of-the-world request into its names' bytes and the rest loses nothing. */
class SotwRequestTest {

  private static DiscoveryRequest request(String... names) {
    return DiscoveryRequest.newBuilder()
        .setNode(TestResources.node("sidecar~10.0.0.1~a.default~default.svc.cluster.local"))
        .setTypeUrl(XdsType.ENDPOINT.typeUrl())
        .setVersionInfo("v1")
        .setResponseNonce("7")
        .addAllResourceNames(List.of(names))
        .setErrorDetail(com.google.rpc.Status.newBuilder().setCode(3).setMessage("bad"))
        .build();
  }

  @Test
  void theRestParsesAsTheGeneratedClassWouldAndTheNamesDecodeInOrder() throws Exception {
    DiscoveryRequest full = request("outbound|8080|v1|b.ns.svc.cluster.local", "a", "*");
    SotwRequest split = SotwRequest.parse(full.toByteArray());
    assertThat(split.request()).isEqualTo(full.toBuilder().clearResourceNames().build());
    assertThat(split.resourceNames()).containsExactly("outbound|8080|v1|b.ns.svc.cluster.local", "a", "*");
    assertThat(split.toRequest()).isEqualTo(full);
    // A marshaller round trip gives the same request back.
    SotwRequest.Marshaller m = new SotwRequest.Marshaller();
    assertThat(m.parse(m.stream(split)).toRequest()).isEqualTo(full);
  }

  @Test
  void equalSubscriptionsHaveEqualBytesAndDifferentOnesDoNot() throws Exception {
    ByteString first = SotwRequest.parse(request("a", "b").toByteArray()).names();
    ByteString again = SotwRequest.parse(request("a", "b").toBuilder().setResponseNonce("8").build().toByteArray()).names();
    ByteString other = SotwRequest.parse(request("a", "c").toByteArray()).names();
    assertThat(again).isEqualTo(first);
    assertThat(other).isNotEqualTo(first);
    assertThat(SotwRequest.parse(request().toByteArray()).names().isEmpty()).isTrue();
  }

  @Test
  void namesThatAreNotUtf8AreRejectedWhenDecoded() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    out.writeString(DiscoveryRequest.TYPE_URL_FIELD_NUMBER, XdsType.ENDPOINT.typeUrl());
    out.writeByteArray(DiscoveryRequest.RESOURCE_NAMES_FIELD_NUMBER, new byte[] {(byte) 0xC3, (byte) 0x28});
    out.flush();
    SotwRequest split = SotwRequest.parse(bytes.toByteArray());
    assertThat(split.request().getTypeUrl()).isEqualTo(XdsType.ENDPOINT.typeUrl());
    assertThatThrownBy(split::resourceNames).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("resource_names");
  }
}
