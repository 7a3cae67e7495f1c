package io.trellis.control.sim;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.trellis.control.xds.XdsResources;
import io.trellis.control.xds.XdsType;

/**
 * xDS resources as deterministic JSON (protobuf's canonical JSON, map keys sorted, every Any
 * expanded through a type registry): what golden files record and what a reviewer reads.
 */
public final class XdsJson {
  private static final JsonFormat.TypeRegistry TYPES =
      JsonFormat.TypeRegistry.newBuilder()
          .add(io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.getDescriptor())
          .add(io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy.getDescriptor())
          .add(io.envoyproxy.envoy.extensions.filters.http.router.v3.Router.getDescriptor())
          .add(io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault.getDescriptor())
          .add(io.envoyproxy.envoy.extensions.filters.http.cors.v3.Cors.getDescriptor())
          .add(io.envoyproxy.envoy.extensions.filters.http.cors.v3.CorsPolicy.getDescriptor())
          .add(io.envoyproxy.envoy.extensions.filters.listener.original_dst.v3.OriginalDst.getDescriptor())
          .add(io.envoyproxy.envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector.getDescriptor())
          .add(io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext.getDescriptor())
          .add(io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext.getDescriptor())
          .add(io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions.getDescriptor())
          .add(io.envoyproxy.envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate.getDescriptor())
          .build();

  private static final JsonFormat.Printer PRINTER = JsonFormat.printer().usingTypeRegistry(TYPES).sortingMapKeys();

  private XdsJson() {}

  public static JsonFormat.TypeRegistry types() {
    return TYPES;
  }

  /** {@code {"clusters": [...], "endpoints": [...], "listeners": [...], "routes": [...]}}, by name. */
  public static String print(XdsResources resources) {
    StringBuilder sb = new StringBuilder("{\n");
    // VHDS resources exist only in a delta proxy's generation: listed only when there are some.
    XdsType[] types =
        java.util.Arrays.stream(XdsType.values())
            .filter(ty -> !ty.deltaOnly() || !resources.ofType(ty).isEmpty())
            .toArray(XdsType[]::new);
    for (int t = 0; t < types.length; t++) {
      XdsType type = types[t];
      String key =
          switch (type) {
            case CLUSTER -> "clusters";
            case ENDPOINT -> "endpoints";
            case LISTENER -> "listeners";
            case ROUTE -> "routes";
            case VIRTUAL_HOST -> "virtual_hosts";
          };
      sb.append("  \"").append(key).append("\": [");
      var byName = resources.ofType(type);
      int i = 0;
      for (XdsResources.Resource r : byName.values()) {
        sb.append(i++ == 0 ? "\n" : ",\n");
        try {
          sb.append(PRINTER.print(r.message()).indent(4).stripTrailing());
        } catch (InvalidProtocolBufferException e) {
          throw new IllegalStateException("cannot print " + r.name() + ": " + e.getMessage(), e);
        }
      }
      sb.append(i == 0 ? "]" : "\n  ]").append(t < types.length - 1 ? ",\n" : "\n");
    }
    return sb.append("}\n").toString();
  }
}
