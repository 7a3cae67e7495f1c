package io.trellis.proxy.config.listener;

import io.trellis.proxy.config.route.RouteConfig;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Envoy's {@code http_connection_manager} network filter, limited to what Trellis implements. Build it
 * with {@link #builder(String)}: fields added later keep their Envoy defaults there.
 *
 * @param routeConfig the inline route configuration, or {@code null} with {@code rdsRouteConfigName}
 * @param rdsRouteConfigName the RDS route configuration name, or {@code null} with an inline config
 * @param httpFilters in order; the last is the router
 * @param maxRequestHeadersKb total size of request headers (Envoy's default 60, max 8192); larger → 431
 * @param maxRequestHeadersCount number of request headers (Envoy's default 100); more → 431
 * @param streamIdleTimeout a stream without activity is reset/answered 408 after this; zero disables
 * @param requestTimeout the whole request must be received within this; zero (default) disables
 * @param requestHeadersTimeout the headers must be received within this; zero (default) disables
 * @param idleTimeout a connection without streams is closed after this (default 1 h); zero disables
 * @param drainTimeout between a drain's first GOAWAY/{@code Connection: close} and closing (default 5 s)
 * @param upgradeTypes enabled {@code upgrade_configs} types, lower-cased ("websocket", "connect")
 * @param serverName the {@code server} header on local replies and (overwritten) responses
 * @param maxStreamDuration {@code common_http_protocol_options.max_stream_duration}: a stream still open
 *     after this is answered 408 (request not yet received) or 504, or reset when its response has
 *     started; zero (default) disables
 */
public record HttpConnectionManagerConfig(
    String statPrefix,
    CodecType codecType,
    RouteConfig routeConfig,
    String rdsRouteConfigName,
    List<HttpFilterConfig> httpFilters,
    int maxRequestHeadersKb,
    int maxRequestHeadersCount,
    Duration streamIdleTimeout,
    Duration requestTimeout,
    Duration requestHeadersTimeout,
    Duration idleTimeout,
    Duration drainTimeout,
    Http2Options http2Options,
    boolean normalizePath,
    boolean mergeSlashes,
    PathWithEscapedSlashesAction pathWithEscapedSlashesAction,
    boolean useRemoteAddress,
    int xffNumTrustedHops,
    boolean skipXffAppend,
    String serverName,
    boolean generateRequestId,
    boolean preserveExternalRequestId,
    List<String> upgradeTypes,
    Duration maxStreamDuration)
    implements NetworkFilterConfig {

  public static final int DEFAULT_MAX_REQUEST_HEADERS_KB = 60;
  public static final int DEFAULT_MAX_REQUEST_HEADERS_COUNT = 100;
  public static final Duration DEFAULT_STREAM_IDLE_TIMEOUT = Duration.ofMinutes(5);
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofHours(1);
  public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(5);
  public static final String DEFAULT_SERVER_NAME = "trellis";

  public HttpConnectionManagerConfig {
    Check.nonEmpty("http_connection_manager.stat_prefix", statPrefix);
    String at = "http_connection_manager[" + statPrefix + "].";
    Check.notNull(at + "codec_type", codecType);
    if ((routeConfig == null) == (rdsRouteConfigName == null || rdsRouteConfigName.isEmpty())) {
      throw new IllegalArgumentException(
          at + "route_specifier: " + (routeConfig == null ? "none" : "both")
              + " (expected: exactly one of route_config, rds.route_config_name)");
    }
    httpFilters = Check.list(at + "http_filters", httpFilters);
    if (httpFilters.isEmpty() || !httpFilters.getLast().typeUrl().equals(HttpFilterConfig.ROUTER_TYPE_URL)) {
      throw new IllegalArgumentException(
          at + "http_filters: " + httpFilters.stream().map(HttpFilterConfig::name).toList()
              + " (expected: the router, " + HttpFilterConfig.ROUTER_TYPE_URL + ", last)");
    }
    for (int i = 0; i < httpFilters.size() - 1; i++) {
      if (httpFilters.get(i).typeUrl().equals(HttpFilterConfig.ROUTER_TYPE_URL)) {
        throw new IllegalArgumentException(
            at + "http_filters[" + i + "]: " + httpFilters.get(i).name() + " (expected: the router only last)");
      }
    }
    Set<String> names = new HashSet<>();
    for (HttpFilterConfig f : httpFilters) {
      if (!names.add(f.name())) {
        throw new IllegalArgumentException(at + "http_filters: '" + f.name() + "' twice (expected: unique names)");
      }
    }
    Check.range(at + "max_request_headers_kb", maxRequestHeadersKb, 1, 8192);
    Check.range(at + "common_http_protocol_options.max_headers_count", maxRequestHeadersCount, 1, Integer.MAX_VALUE);
    Check.nonNegative(at + "stream_idle_timeout", streamIdleTimeout);
    Check.nonNegative(at + "request_timeout", requestTimeout);
    Check.nonNegative(at + "request_headers_timeout", requestHeadersTimeout);
    Check.nonNegative(at + "common_http_protocol_options.idle_timeout", idleTimeout);
    Check.nonNegative(at + "common_http_protocol_options.max_stream_duration", maxStreamDuration);
    Check.nonNegative(at + "drain_timeout", drainTimeout);
    Check.notNull(at + "http2_protocol_options", http2Options);
    Check.notNull(at + "path_with_escaped_slashes_action", pathWithEscapedSlashesAction);
    Check.range(at + "xff_num_trusted_hops", xffNumTrustedHops, 0, Integer.MAX_VALUE);
    serverName = serverName == null || serverName.isEmpty() ? DEFAULT_SERVER_NAME : serverName;
    upgradeTypes = Check.list(at + "upgrade_configs", upgradeTypes).stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
  }

  public static Builder builder(String statPrefix) {
    return new Builder(statPrefix);
  }

  public Builder toBuilder() {
    Builder b = new Builder(statPrefix);
    b.codecType = codecType;
    b.routeConfig = routeConfig;
    b.rdsRouteConfigName = rdsRouteConfigName;
    b.httpFilters = httpFilters;
    b.maxRequestHeadersKb = maxRequestHeadersKb;
    b.maxRequestHeadersCount = maxRequestHeadersCount;
    b.streamIdleTimeout = streamIdleTimeout;
    b.requestTimeout = requestTimeout;
    b.requestHeadersTimeout = requestHeadersTimeout;
    b.idleTimeout = idleTimeout;
    b.drainTimeout = drainTimeout;
    b.http2Options = http2Options;
    b.normalizePath = normalizePath;
    b.mergeSlashes = mergeSlashes;
    b.pathWithEscapedSlashesAction = pathWithEscapedSlashesAction;
    b.useRemoteAddress = useRemoteAddress;
    b.xffNumTrustedHops = xffNumTrustedHops;
    b.skipXffAppend = skipXffAppend;
    b.serverName = serverName;
    b.generateRequestId = generateRequestId;
    b.preserveExternalRequestId = preserveExternalRequestId;
    b.upgradeTypes = upgradeTypes;
    b.maxStreamDuration = maxStreamDuration;
    return b;
  }

  /** Builds an {@link HttpConnectionManagerConfig} starting from Envoy's defaults and the router as the only filter. */
  public static final class Builder {
    private final String statPrefix;
    private CodecType codecType = CodecType.AUTO;
    private RouteConfig routeConfig;
    private String rdsRouteConfigName;
    private List<HttpFilterConfig> httpFilters = List.of(HttpFilterConfig.router());
    private int maxRequestHeadersKb = DEFAULT_MAX_REQUEST_HEADERS_KB;
    private int maxRequestHeadersCount = DEFAULT_MAX_REQUEST_HEADERS_COUNT;
    private Duration streamIdleTimeout = DEFAULT_STREAM_IDLE_TIMEOUT;
    private Duration requestTimeout = Duration.ZERO;
    private Duration requestHeadersTimeout = Duration.ZERO;
    private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
    private Duration drainTimeout = DEFAULT_DRAIN_TIMEOUT;
    private Http2Options http2Options = Http2Options.DEFAULTS;
    private boolean normalizePath;
    private boolean mergeSlashes;
    private PathWithEscapedSlashesAction pathWithEscapedSlashesAction = PathWithEscapedSlashesAction.IMPLEMENTATION_SPECIFIC_DEFAULT;
    private boolean useRemoteAddress;
    private int xffNumTrustedHops;
    private boolean skipXffAppend;
    private String serverName = DEFAULT_SERVER_NAME;
    private boolean generateRequestId = true;
    private boolean preserveExternalRequestId;
    private List<String> upgradeTypes = List.of();
    private Duration maxStreamDuration = Duration.ZERO;

    private Builder(String statPrefix) {
      this.statPrefix = statPrefix;
    }

    public Builder codecType(CodecType v) { codecType = v; return this; }
    /** Inline route configuration (clears any RDS name). */
    public Builder routeConfig(RouteConfig v) { routeConfig = v; rdsRouteConfigName = null; return this; }
    /** Route configuration by RDS name (clears any inline config). */
    public Builder rds(String v) { rdsRouteConfigName = v; routeConfig = null; return this; }
    public Builder httpFilters(List<HttpFilterConfig> v) { httpFilters = v; return this; }
    public Builder maxRequestHeadersKb(int v) { maxRequestHeadersKb = v; return this; }
    public Builder maxRequestHeadersCount(int v) { maxRequestHeadersCount = v; return this; }
    public Builder streamIdleTimeout(Duration v) { streamIdleTimeout = v; return this; }
    public Builder requestTimeout(Duration v) { requestTimeout = v; return this; }
    public Builder requestHeadersTimeout(Duration v) { requestHeadersTimeout = v; return this; }
    public Builder idleTimeout(Duration v) { idleTimeout = v; return this; }
    public Builder drainTimeout(Duration v) { drainTimeout = v; return this; }
    public Builder http2Options(Http2Options v) { http2Options = v; return this; }
    public Builder normalizePath(boolean v) { normalizePath = v; return this; }
    public Builder mergeSlashes(boolean v) { mergeSlashes = v; return this; }
    public Builder pathWithEscapedSlashesAction(PathWithEscapedSlashesAction v) { pathWithEscapedSlashesAction = v; return this; }
    public Builder useRemoteAddress(boolean v) { useRemoteAddress = v; return this; }
    public Builder xffNumTrustedHops(int v) { xffNumTrustedHops = v; return this; }
    public Builder skipXffAppend(boolean v) { skipXffAppend = v; return this; }
    public Builder serverName(String v) { serverName = v; return this; }
    public Builder generateRequestId(boolean v) { generateRequestId = v; return this; }
    public Builder preserveExternalRequestId(boolean v) { preserveExternalRequestId = v; return this; }
    public Builder upgradeTypes(List<String> v) { upgradeTypes = v; return this; }
    public Builder maxStreamDuration(Duration v) { maxStreamDuration = v; return this; }

    public HttpConnectionManagerConfig build() {
      return new HttpConnectionManagerConfig(
          statPrefix, codecType, routeConfig, rdsRouteConfigName, httpFilters, maxRequestHeadersKb,
          maxRequestHeadersCount, streamIdleTimeout, requestTimeout, requestHeadersTimeout, idleTimeout,
          drainTimeout, http2Options, normalizePath, mergeSlashes, pathWithEscapedSlashesAction,
          useRemoteAddress, xffNumTrustedHops, skipXffAppend, serverName, generateRequestId,
          preserveExternalRequestId, upgradeTypes, maxStreamDuration);
    }
  }
}
