package io.trellis.cli.up;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.trellis.proxy.bootstrap.NodeIdentity;
import io.trellis.proxy.bootstrap.XdsBootstrap;
import java.util.Map;

/**
 * The Envoy bootstrap a local proxy starts from: what {@code trellis proxy --xds} would generate
 * (Istio's node identity, delta ADS to the control plane, admin on the given address), plus the node
 * metadata that tells the control plane how this pod's traffic reaches it ({@code
 * io.trellis.control.local.LocalNode}'s keys). A file rather than flags, as Istio's agent hands
 * Envoy a file: the metadata has no flag.
 */
final class ProxyBootstrap {
  private ProxyBootstrap() {}

  static String json(NodeIdentity identity, String xdsHost, int xdsPort, String adminIp, int adminPort, Map<String, String> localMetadata) {
    // Delta ADS: a change travels as the resources that changed, and route configurations come
    // with their virtual hosts over VHDS, so a VirtualService edit is one virtual host per proxy.
    Bootstrap b = XdsBootstrap.create(identity, xdsHost, xdsPort, adminIp, adminPort, true);
    Struct.Builder md = b.getNode().getMetadata().toBuilder();
    localMetadata.forEach((k, v) -> md.putFields(k, Value.newBuilder().setStringValue(v).build()));
    Bootstrap withMetadata = b.toBuilder().setNode(b.getNode().toBuilder().setMetadata(md)).build();
    try {
      return JsonFormat.printer()
          .usingTypeRegistry(JsonFormat.TypeRegistry.newBuilder().add(HttpProtocolOptions.getDescriptor()).build())
          .print(withMetadata);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("bootstrap does not print as JSON", e);
    }
  }
}
