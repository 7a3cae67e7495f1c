package io.trellis.proxy.xds;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.util.JsonFormat;
import java.util.List;

/**
 * The Envoy message types this proxy can read from (and print to) JSON inside {@code typed_config}
 * and other {@code Any} fields. JSON needs the registry because an {@code Any} names its type only by
 * URL; binary xDS does not. A type listed here still has to be accepted by the resource parsers, which
 * name every type URL they do not support.
 */
public final class EnvoyTypes {

  private static final List<Descriptor> DESCRIPTORS =
      List.of(
          // resources
          io.envoyproxy.envoy.config.listener.v3.Listener.getDescriptor(),
          io.envoyproxy.envoy.config.route.v3.RouteConfiguration.getDescriptor(),
          io.envoyproxy.envoy.config.cluster.v3.Cluster.getDescriptor(),
          io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment.getDescriptor(),
          io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret.getDescriptor(),
          // network filters
          io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
              .getDescriptor(),
          io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy.getDescriptor(),
          io.envoyproxy.envoy.extensions.filters.network.rbac.v3.RBAC.getDescriptor(),
          // listener filters
          io.envoyproxy.envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector.getDescriptor(),
          io.envoyproxy.envoy.extensions.filters.listener.original_dst.v3.OriginalDst.getDescriptor(),
          io.envoyproxy.envoy.extensions.filters.listener.http_inspector.v3.HttpInspector.getDescriptor(),
          // HTTP filters
          io.envoyproxy.envoy.extensions.filters.http.router.v3.Router.getDescriptor(),
          io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault.getDescriptor(),
          io.envoyproxy.envoy.extensions.filters.http.cors.v3.Cors.getDescriptor(),
          io.envoyproxy.envoy.extensions.filters.http.cors.v3.CorsPolicy.getDescriptor(),
          io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC.getDescriptor(),
          io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBACPerRoute.getDescriptor(),
          io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication.getDescriptor(),
          io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit.getDescriptor(),
          io.envoyproxy.envoy.extensions.filters.http.health_check.v3.HealthCheck.getDescriptor(),
          io.envoyproxy.envoy.extensions.filters.http.header_mutation.v3.HeaderMutation.getDescriptor(),
          // retry extensions (Istio's default retry policy carries previous_hosts on every route)
          io.envoyproxy.envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate.getDescriptor(),
          io.envoyproxy.envoy.extensions.retry.host.omit_canary_hosts.v3.OmitCanaryHostsPredicate.getDescriptor(),
          io.envoyproxy.envoy.extensions.retry.host.omit_host_metadata.v3.OmitHostMetadataConfig.getDescriptor(),
          io.envoyproxy.envoy.extensions.retry.priority.previous_priorities.v3.PreviousPrioritiesConfig.getDescriptor(),
          // transport sockets and protocol options
          io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext.getDescriptor(),
          io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext.getDescriptor(),
          io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions.getDescriptor(),
          // access loggers
          io.envoyproxy.envoy.extensions.access_loggers.file.v3.FileAccessLog.getDescriptor(),
          io.envoyproxy.envoy.extensions.access_loggers.stream.v3.StdoutAccessLog.getDescriptor(),
          io.envoyproxy.envoy.extensions.access_loggers.stream.v3.StderrAccessLog.getDescriptor(),
          // admin output (config_dump)
          io.envoyproxy.envoy.admin.v3.BootstrapConfigDump.getDescriptor(),
          io.envoyproxy.envoy.admin.v3.ClustersConfigDump.getDescriptor(),
          io.envoyproxy.envoy.admin.v3.ListenersConfigDump.getDescriptor(),
          io.envoyproxy.envoy.admin.v3.RoutesConfigDump.getDescriptor(),
          io.envoyproxy.envoy.admin.v3.EndpointsConfigDump.getDescriptor(),
          io.envoyproxy.envoy.admin.v3.SecretsConfigDump.getDescriptor());

  private static final JsonFormat.TypeRegistry REGISTRY = JsonFormat.TypeRegistry.newBuilder().add(DESCRIPTORS).build();

  private EnvoyTypes() {}

  public static JsonFormat.TypeRegistry registry() {
    return REGISTRY;
  }

  /** A JSON parser that rejects unknown fields and resolves {@code typed_config} by this registry. */
  public static JsonFormat.Parser jsonParser() {
    return JsonFormat.parser().usingTypeRegistry(REGISTRY);
  }

  /** A JSON printer for admin output, resolving {@code Any} by this registry. */
  public static JsonFormat.Printer jsonPrinter() {
    return JsonFormat.printer().usingTypeRegistry(REGISTRY).preservingProtoFieldNames();
  }
}
