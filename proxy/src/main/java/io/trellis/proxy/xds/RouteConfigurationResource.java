package io.trellis.proxy.xds;

import io.envoyproxy.envoy.config.core.v3.HeaderValueOption.HeaderAppendAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatchAndSubstitute;
import io.trellis.proxy.config.route.ClusterSpecifier;
import io.trellis.proxy.config.route.DirectResponseAction;
import io.trellis.proxy.config.route.ForwardAction;
import io.trellis.proxy.config.route.HashPolicy;
import io.trellis.proxy.config.route.HeaderMatcher;
import io.trellis.proxy.config.route.HeaderMutations;
import io.trellis.proxy.config.route.HeaderValueOption;
import io.trellis.proxy.config.route.HostRewrite;
import io.trellis.proxy.config.route.PathMatch;
import io.trellis.proxy.config.route.QueryParameterMatcher;
import io.trellis.proxy.config.route.RedirectAction;
import io.trellis.proxy.config.route.RegexRewrite;
import io.trellis.proxy.config.route.Route;
import io.trellis.proxy.config.route.RouteAction;
import io.trellis.proxy.config.route.RouteConfig;
import io.trellis.proxy.config.route.RouteMatch;
import io.trellis.proxy.config.route.StringMatcher;
import io.trellis.proxy.config.route.VirtualHostConfig;
import io.trellis.proxy.config.route.WeightedCluster;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * RDS: {@code RouteConfiguration} into {@link RouteConfig}, also used for route configurations inline
 * in an HTTP connection manager. What the route records cannot express is rejected when it would
 * change where a request goes (an unsupported path specifier, runtime fractions, a body from a file).
 * Retry policies, request mirrors and stream durations are converted by {@link RouteResilience}.
 */
public final class RouteConfigurationResource implements XdsResourceType<RouteConfiguration, RouteConfig> {
  public static final RouteConfigurationResource INSTANCE = new RouteConfigurationResource();
  public static final String TYPE_URL = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration";

  private RouteConfigurationResource() {}

  @Override
  public String typeUrl() {
    return TYPE_URL;
  }

  @Override
  public String shortName() {
    return "RDS";
  }

  @Override
  public String kind() {
    return "RouteConfiguration";
  }

  @Override
  public Class<RouteConfiguration> protoClass() {
    return RouteConfiguration.class;
  }

  @Override
  public boolean allResourcesInEachResponse() {
    return false;
  }

  @Override
  public String name(RouteConfiguration proto) {
    return proto.getName();
  }

  @Override
  public RouteConfig parse(RouteConfiguration proto, ValidationErrors errors) {
    return convert(proto, errors, true);
  }

  /**
   * Converts a route configuration inline in an HTTP connection manager, recording problems below
   * {@code errors}' path; {@code vhds} is refused there (Envoy serves VHDS only to RDS configurations).
   */
  static RouteConfig convert(RouteConfiguration proto, ValidationErrors errors) {
    return convert(proto, errors, false);
  }

  private static RouteConfig convert(RouteConfiguration proto, ValidationErrors errors, boolean overRds) {
    int before = errors.messages().size();
    List<VirtualHostConfig> hosts = new ArrayList<>();
    for (int i = 0; i < proto.getVirtualHostsCount(); i++) {
      VirtualHost vh = proto.getVirtualHosts(i);
      VirtualHostConfig converted =
          virtualHost(vh, errors.at("Virtual host [" + (vh.getName().isEmpty() ? "#" + i : vh.getName()) + "]"));
      if (converted != null) {
        hosts.add(converted);
      }
    }
    HeaderMutations headers =
        mutations(
            proto.getRequestHeadersToAddList(),
            proto.getRequestHeadersToRemoveList(),
            proto.getResponseHeadersToAddList(),
            proto.getResponseHeadersToRemoveList(),
            errors);
    if (proto.hasVhds()) {
      if (!overRds) {
        errors.at("vhds").add("only a route configuration received over RDS can use VHDS");
      } else if (!proto.getVhds().getConfigSource().hasAds()) {
        var source = proto.getVhds().getConfigSource().getConfigSourceSpecifierCase();
        String given = source == io.envoyproxy.envoy.config.core.v3.ConfigSource.ConfigSourceSpecifierCase.CONFIGSOURCESPECIFIER_NOT_SET
            ? "none" : source.name().toLowerCase();
        errors.at("vhds.config_source").add(given + " (expected: ads; " + VirtualHostResource.DELTA_ONLY + ")");
      }
    }
    if (errors.messages().size() > before) {
      return null;
    }
    return errors.build(() -> new RouteConfig(proto.getName(), hosts, headers, proto.hasVhds()));
  }

  /** Converts one virtual host (inline, or a VHDS resource), recording problems below {@code errors}' path. */
  static VirtualHostConfig virtualHost(VirtualHost vh, ValidationErrors errors) {
    int before = errors.messages().size();
    List<Route> routes = new ArrayList<>();
    for (int i = 0; i < vh.getRoutesCount(); i++) {
      var r = vh.getRoutes(i);
      ValidationErrors at = errors.at("Route [" + (r.getName().isEmpty() ? "#" + i : r.getName()) + "]");
      Route route = RouteResilience.apply(vh, r, route(r, at), at);
      if (route != null) {
        routes.add(route);
      }
    }
    HeaderMutations headers =
        mutations(
            vh.getRequestHeadersToAddList(),
            vh.getRequestHeadersToRemoveList(),
            vh.getResponseHeadersToAddList(),
            vh.getResponseHeadersToRemoveList(),
            errors);
    Map<String, Object> vhPerFilter = perFilterConfig(vh.getTypedPerFilterConfigMap(), errors);
    if (vh.getRequireTls() != VirtualHost.TlsRequirementType.NONE) {
      errors.at("require_tls").add(vh.getRequireTls() + " is not supported");
    }
    if (errors.messages().size() > before) {
      return null;
    }
    return errors.build(() -> new VirtualHostConfig(vh.getName(), vh.getDomainsList(), routes, headers, vhPerFilter));
  }

  private static Route route(io.envoyproxy.envoy.config.route.v3.Route r, ValidationErrors errors) {
    int before = errors.messages().size();
    RouteMatch match = match(r.getMatch(), errors.at("match"));
    RouteAction action =
        switch (r.getActionCase()) {
          case ROUTE -> forward(r.getRoute(), errors.at("route"));
          case REDIRECT -> redirect(r.getRedirect(), errors.at("redirect"));
          case DIRECT_RESPONSE -> directResponse(r.getDirectResponse(), errors.at("direct_response"));
          case ACTION_NOT_SET -> {
            errors.add("action: none (expected: route, redirect or direct_response)");
            yield null;
          }
          default -> {
            errors.add("action: " + r.getActionCase().name().toLowerCase() + " is not supported");
            yield null;
          }
        };
    HeaderMutations headers =
        mutations(
            r.getRequestHeadersToAddList(),
            r.getRequestHeadersToRemoveList(),
            r.getResponseHeadersToAddList(),
            r.getResponseHeadersToRemoveList(),
            errors);
    Map<String, Object> perFilter = perFilterConfig(r.getTypedPerFilterConfigMap(), errors);
    if (errors.messages().size() > before) {
      return null;
    }
    return errors.build(() -> new Route(r.getName(), match, action, headers, perFilter));
  }

  private static RouteMatch match(io.envoyproxy.envoy.config.route.v3.RouteMatch m, ValidationErrors errors) {
    int before = errors.messages().size();
    PathMatch path =
        switch (m.getPathSpecifierCase()) {
          case PREFIX -> new PathMatch.Prefix(m.getPrefix());
          case PATH -> new PathMatch.Path(m.getPath());
          case SAFE_REGEX -> errors.at("safe_regex").build(() -> new PathMatch.SafeRegex(m.getSafeRegex().getRegex()));
          case PATH_SEPARATED_PREFIX ->
              errors.at("path_separated_prefix").build(() -> new PathMatch.PathSeparatedPrefix(m.getPathSeparatedPrefix()));
          case PATHSPECIFIER_NOT_SET -> {
            errors.add("path_specifier: none (expected: prefix, path, safe_regex or path_separated_prefix)");
            yield null;
          }
          default -> {
            errors.add("path_specifier: " + m.getPathSpecifierCase().name().toLowerCase() + " is not supported");
            yield null;
          }
        };
    List<HeaderMatcher> headers = new ArrayList<>();
    for (int i = 0; i < m.getHeadersCount(); i++) {
      HeaderMatcher h = headerMatcher(m.getHeaders(i), errors.at("headers", i));
      if (h != null) {
        headers.add(h);
      }
    }
    List<QueryParameterMatcher> query = new ArrayList<>();
    for (int i = 0; i < m.getQueryParametersCount(); i++) {
      var q = m.getQueryParameters(i);
      ValidationErrors at = errors.at("query_parameters", i);
      QueryParameterMatcher converted =
          switch (q.getQueryParameterMatchSpecifierCase()) {
            case STRING_MATCH -> {
              StringMatcher sm = stringMatcher(q.getStringMatch(), at.at("string_match"));
              yield sm == null ? null : at.build(() -> new QueryParameterMatcher(q.getName(), sm));
            }
            case PRESENT_MATCH -> {
              if (!q.getPresentMatch()) {
                at.add("present_match: false is not supported (expected: true)");
                yield null;
              }
              yield at.build(() -> QueryParameterMatcher.present(q.getName()));
            }
            default -> {
              at.add("query_parameter_match_specifier: none (expected: string_match or present_match)");
              yield null;
            }
          };
      if (converted != null) {
        query.add(converted);
      }
    }
    if (m.hasRuntimeFraction()) {
      errors.at("runtime_fraction").add("runtime fractions are not supported");
    }
    if (m.getDynamicMetadataCount() > 0) {
      errors.at("dynamic_metadata").add("dynamic metadata matching is not supported");
    }
    if (m.hasTlsContext()) {
      errors.at("tls_context").add("TLS context matching is not supported");
    }
    if (errors.messages().size() > before) {
      return null;
    }
    boolean caseSensitive = !m.hasCaseSensitive() || m.getCaseSensitive().getValue();
    return errors.build(() -> new RouteMatch(path, caseSensitive, headers, query, m.hasGrpc()));
  }

  static HeaderMatcher headerMatcher(io.envoyproxy.envoy.config.route.v3.HeaderMatcher h, ValidationErrors errors) {
    String name = h.getName();
    HeaderMatcher base =
        switch (h.getHeaderMatchSpecifierCase()) {
          case STRING_MATCH -> {
            StringMatcher sm = stringMatcher(h.getStringMatch(), errors.at("string_match"));
            yield sm == null ? null : errors.build(() -> HeaderMatcher.string(name, sm));
          }
          case EXACT_MATCH -> errors.build(() -> HeaderMatcher.string(name, StringMatcher.exact(h.getExactMatch())));
          case PREFIX_MATCH -> errors.build(() -> HeaderMatcher.string(name, StringMatcher.prefix(h.getPrefixMatch())));
          case SUFFIX_MATCH -> errors.build(() -> HeaderMatcher.string(name, StringMatcher.suffix(h.getSuffixMatch())));
          case CONTAINS_MATCH -> errors.build(() -> HeaderMatcher.string(name, StringMatcher.contains(h.getContainsMatch())));
          case SAFE_REGEX_MATCH ->
              errors.build(() -> HeaderMatcher.string(name, StringMatcher.regex(h.getSafeRegexMatch().getRegex())));
          case PRESENT_MATCH -> errors.build(() -> HeaderMatcher.present(name, h.getPresentMatch()));
          case RANGE_MATCH ->
              errors.build(() -> HeaderMatcher.range(name, h.getRangeMatch().getStart(), h.getRangeMatch().getEnd()));
          // Envoy: a matcher without a specifier matches when the header is present.
          case HEADERMATCHSPECIFIER_NOT_SET -> errors.build(() -> HeaderMatcher.present(name, true));
        };
    if (base == null) {
      return null;
    }
    HeaderMatcher out = base;
    if (h.getInvertMatch()) {
      out = out.inverted();
    }
    if (h.getTreatMissingHeaderAsEmpty()) {
      out = out.missingAsEmpty();
    }
    return out;
  }

  static StringMatcher stringMatcher(io.envoyproxy.envoy.type.matcher.v3.StringMatcher m, ValidationErrors errors) {
    boolean ignoreCase = m.getIgnoreCase();
    return switch (m.getMatchPatternCase()) {
      case EXACT -> errors.build(() -> new StringMatcher(StringMatcher.Kind.EXACT, m.getExact(), ignoreCase));
      case PREFIX -> errors.build(() -> new StringMatcher(StringMatcher.Kind.PREFIX, m.getPrefix(), ignoreCase));
      case SUFFIX -> errors.build(() -> new StringMatcher(StringMatcher.Kind.SUFFIX, m.getSuffix(), ignoreCase));
      case CONTAINS -> errors.build(() -> new StringMatcher(StringMatcher.Kind.CONTAINS, m.getContains(), ignoreCase));
      case SAFE_REGEX ->
          errors.build(() -> new StringMatcher(StringMatcher.Kind.SAFE_REGEX, m.getSafeRegex().getRegex(), ignoreCase));
      default -> {
        errors.add("match_pattern: " + m.getMatchPatternCase().name().toLowerCase() + " (expected: exact, prefix, suffix,"
            + " contains or safe_regex)");
        yield null;
      }
    };
  }

  private static ForwardAction forward(io.envoyproxy.envoy.config.route.v3.RouteAction a, ValidationErrors errors) {
    int before = errors.messages().size();
    ClusterSpecifier cluster =
        switch (a.getClusterSpecifierCase()) {
          case CLUSTER -> errors.at("cluster").build(() -> new ClusterSpecifier.Cluster(a.getCluster()));
          case CLUSTER_HEADER -> errors.at("cluster_header").build(() -> new ClusterSpecifier.FromHeader(a.getClusterHeader()));
          case WEIGHTED_CLUSTERS -> weighted(a.getWeightedClusters(), errors.at("weighted_clusters"));
          case CLUSTERSPECIFIER_NOT_SET -> {
            errors.add("cluster_specifier: none (expected: cluster, cluster_header or weighted_clusters)");
            yield null;
          }
          default -> {
            errors.add("cluster_specifier: " + a.getClusterSpecifierCase().name().toLowerCase() + " is not supported");
            yield null;
          }
        };
    ForwardAction.Builder builder = cluster == null ? null : ForwardAction.builder(cluster);
    RegexRewrite regexRewrite = a.hasRegexRewrite() ? regexRewrite(a.getRegexRewrite(), errors.at("regex_rewrite")) : null;
    HostRewrite hostRewrite =
        switch (a.getHostRewriteSpecifierCase()) {
          case HOST_REWRITE_LITERAL -> errors.build(() -> new HostRewrite.Literal(a.getHostRewriteLiteral()));
          case AUTO_HOST_REWRITE -> a.getAutoHostRewrite().getValue() ? new HostRewrite.Auto() : null;
          case HOST_REWRITE_HEADER -> errors.build(() -> new HostRewrite.FromHeader(a.getHostRewriteHeader()));
          case HOSTREWRITESPECIFIER_NOT_SET -> null;
          default -> {
            errors.add("host_rewrite_specifier: " + a.getHostRewriteSpecifierCase().name().toLowerCase() + " is not supported");
            yield null;
          }
        };
    List<HashPolicy> hashPolicies = new ArrayList<>();
    for (int i = 0; i < a.getHashPolicyCount(); i++) {
      var hp = a.getHashPolicy(i);
      ValidationErrors at = errors.at("hash_policy", i);
      HashPolicy converted =
          switch (hp.getPolicySpecifierCase()) {
            case HEADER -> at.build(() -> new HashPolicy.Header(hp.getHeader().getHeaderName(), hp.getTerminal()));
            case COOKIE ->
                at.build(
                    () ->
                        new HashPolicy.Cookie(
                            hp.getCookie().getName(),
                            hp.getCookie().hasTtl() ? ProtoValues.duration(hp.getCookie().getTtl()) : null,
                            hp.getCookie().getPath(),
                            hp.getTerminal()));
            case CONNECTION_PROPERTIES -> {
              if (!hp.getConnectionProperties().getSourceIp()) {
                at.add("connection_properties.source_ip: false (expected: true)");
                yield null;
              }
              yield new HashPolicy.SourceIp(hp.getTerminal());
            }
            case QUERY_PARAMETER -> at.build(() -> new HashPolicy.QueryParameter(hp.getQueryParameter().getName(), hp.getTerminal()));
            default -> {
              at.add("policy_specifier: " + hp.getPolicySpecifierCase().name().toLowerCase() + " is not supported");
              yield null;
            }
          };
      if (converted != null) {
        hashPolicies.add(converted);
      }
    }
    if (errors.messages().size() > before || builder == null) {
      return null;
    }
    builder.regexRewrite(regexRewrite).hostRewrite(hostRewrite).hashPolicies(hashPolicies);
    if (!a.getPrefixRewrite().isEmpty()) {
      builder.prefixRewrite(a.getPrefixRewrite());
    }
    if (a.hasTimeout()) {
      builder.timeout(ProtoValues.duration(a.getTimeout()));
    }
    if (a.hasIdleTimeout()) {
      builder.idleTimeout(ProtoValues.duration(a.getIdleTimeout()));
    }
    if (a.hasMaxStreamDuration() && a.getMaxStreamDuration().hasGrpcTimeoutHeaderMax()) {
      builder.grpcTimeoutHeaderMax(ProtoValues.duration(a.getMaxStreamDuration().getGrpcTimeoutHeaderMax()));
    }
    return errors.build(builder::build);
  }

  private static ClusterSpecifier weighted(io.envoyproxy.envoy.config.route.v3.WeightedCluster w, ValidationErrors errors) {
    int before = errors.messages().size();
    List<WeightedCluster> clusters = new ArrayList<>();
    for (int i = 0; i < w.getClustersCount(); i++) {
      var c = w.getClusters(i);
      ValidationErrors at = errors.at("clusters", i);
      if (!c.getClusterHeader().isEmpty()) {
        at.add("cluster_header is not supported in weighted clusters");
        continue;
      }
      HeaderMutations headers =
          mutations(
              c.getRequestHeadersToAddList(),
              c.getRequestHeadersToRemoveList(),
              c.getResponseHeadersToAddList(),
              c.getResponseHeadersToRemoveList(),
              at);
      int weight = c.hasWeight() ? c.getWeight().getValue() : 0;
      WeightedCluster converted = headers == null ? null : at.build(() -> new WeightedCluster(c.getName(), weight, headers));
      if (converted != null) {
        clusters.add(converted);
      }
    }
    if (errors.messages().size() > before) {
      return null;
    }
    long total = w.hasTotalWeight() ? w.getTotalWeight().getValue() : 0;
    return errors.build(() -> new ClusterSpecifier.Weighted(clusters, total));
  }

  private static RegexRewrite regexRewrite(RegexMatchAndSubstitute r, ValidationErrors errors) {
    return errors.build(() -> new RegexRewrite(r.getPattern().getRegex(), r.getSubstitution()));
  }

  private static RedirectAction redirect(io.envoyproxy.envoy.config.route.v3.RedirectAction r, ValidationErrors errors) {
    String scheme =
        switch (r.getSchemeRewriteSpecifierCase()) {
          case HTTPS_REDIRECT -> r.getHttpsRedirect() ? "https" : null;
          case SCHEME_REDIRECT -> r.getSchemeRedirect();
          default -> null;
        };
    String path = null;
    String prefix = null;
    RegexRewrite regex = null;
    switch (r.getPathRewriteSpecifierCase()) {
      case PATH_REDIRECT -> path = r.getPathRedirect();
      case PREFIX_REWRITE -> prefix = r.getPrefixRewrite();
      case REGEX_REWRITE -> {
        regex = regexRewrite(r.getRegexRewrite(), errors.at("regex_rewrite"));
        if (regex == null) {
          return null;
        }
      }
      default -> {}
    }
    int code =
        switch (r.getResponseCode()) {
          case MOVED_PERMANENTLY -> 301;
          case FOUND -> 302;
          case SEE_OTHER -> 303;
          case TEMPORARY_REDIRECT -> 307;
          case PERMANENT_REDIRECT -> 308;
          default -> -1;
        };
    String p = path;
    String pre = prefix;
    RegexRewrite rx = regex;
    return errors.build(
        () -> new RedirectAction(scheme, r.getHostRedirect(), r.getPortRedirect(), p, pre, rx, code, r.getStripQuery()));
  }

  private static DirectResponseAction directResponse(
      io.envoyproxy.envoy.config.route.v3.DirectResponseAction d, ValidationErrors errors) {
    String body = "";
    if (d.hasBody()) {
      var source = d.getBody();
      switch (source.getSpecifierCase()) {
        case INLINE_STRING -> body = source.getInlineString();
        case INLINE_BYTES -> body = source.getInlineBytes().toString(StandardCharsets.UTF_8);
        default -> {
          errors.at("body").add(source.getSpecifierCase().name().toLowerCase() + " is not supported (expected: inline_string"
              + " or inline_bytes)");
          return null;
        }
      }
    }
    String b = body;
    return errors.build(() -> new DirectResponseAction(d.getStatus(), b));
  }

  /** The four header lists of a route configuration, virtual host, route or weighted cluster. */
  static HeaderMutations mutations(
      List<io.envoyproxy.envoy.config.core.v3.HeaderValueOption> requestAdd,
      List<String> requestRemove,
      List<io.envoyproxy.envoy.config.core.v3.HeaderValueOption> responseAdd,
      List<String> responseRemove,
      ValidationErrors errors) {
    if (requestAdd.isEmpty() && requestRemove.isEmpty() && responseAdd.isEmpty() && responseRemove.isEmpty()) {
      return HeaderMutations.NONE;
    }
    int before = errors.messages().size();
    List<HeaderValueOption> reqAdd = headerOptions(requestAdd, errors, "request_headers_to_add");
    List<HeaderValueOption> respAdd = headerOptions(responseAdd, errors, "response_headers_to_add");
    if (errors.messages().size() > before) {
      return null;
    }
    return errors.build(() -> new HeaderMutations(reqAdd, requestRemove, respAdd, responseRemove));
  }

  private static List<HeaderValueOption> headerOptions(
      List<io.envoyproxy.envoy.config.core.v3.HeaderValueOption> options, ValidationErrors errors, String field) {
    List<HeaderValueOption> out = new ArrayList<>();
    for (int i = 0; i < options.size(); i++) {
      var o = options.get(i);
      ValidationErrors at = errors.at(field, i);
      String value =
          o.getHeader().getRawValue().isEmpty() ? o.getHeader().getValue() : o.getHeader().getRawValue().toStringUtf8();
      HeaderValueOption.AppendAction action;
      if (o.hasAppend()) {
        // The deprecated bool wins when set, as in Envoy.
        action =
            o.getAppend().getValue()
                ? HeaderValueOption.AppendAction.APPEND_IF_EXISTS_OR_ADD
                : HeaderValueOption.AppendAction.OVERWRITE_IF_EXISTS_OR_ADD;
      } else {
        HeaderAppendAction a = o.getAppendAction();
        action =
            switch (a) {
              case APPEND_IF_EXISTS_OR_ADD -> HeaderValueOption.AppendAction.APPEND_IF_EXISTS_OR_ADD;
              case ADD_IF_ABSENT -> HeaderValueOption.AppendAction.ADD_IF_ABSENT;
              case OVERWRITE_IF_EXISTS_OR_ADD -> HeaderValueOption.AppendAction.OVERWRITE_IF_EXISTS_OR_ADD;
              case OVERWRITE_IF_EXISTS -> HeaderValueOption.AppendAction.OVERWRITE_IF_EXISTS;
              default -> null;
            };
        if (action == null) {
          at.add("append_action: " + a + " is not supported");
          continue;
        }
      }
      HeaderValueOption.AppendAction act = action;
      HeaderValueOption converted =
          at.build(() -> new HeaderValueOption(o.getHeader().getKey(), value, act, o.getKeepEmptyValue()));
      if (converted != null) {
        out.add(converted);
      }
    }
    return out;
  }

  /**
   * Per-filter configuration is only meaningful for filters the proxy implements; none of the HTTP
   * filters before the router takes per-route config yet, so an entry is accepted only when Envoy
   * would skip it too ({@code FilterConfig} with {@code is_optional}).
   */
  /**
   * Converts per-filter overrides the proxy implements (the fault filter's {@code HTTPFault}, the CORS
   * filter's {@code CorsPolicy}, bare or inside a {@code FilterConfig}); an optional override of an unknown type is skipped, as Envoy does,
   * and any other unknown type is an error.
   */
  private static Map<String, Object> perFilterConfig(Map<String, com.google.protobuf.Any> perFilter, ValidationErrors errors) {
    Map<String, Object> converted = new java.util.TreeMap<>();
    perFilter.forEach(
        (filter, any) -> {
          ValidationErrors at = errors.at("typed_per_filter_config[" + filter + "]");
          com.google.protobuf.Any config = any;
          boolean optional = false;
          if (any.getTypeUrl().equals("type.googleapis.com/envoy.config.route.v3.FilterConfig")) {
            try {
              var wrapper = any.unpack(io.envoyproxy.envoy.config.route.v3.FilterConfig.class);
              config = wrapper.getConfig();
              optional = wrapper.getIsOptional();
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
              at.add("cannot decode FilterConfig: " + e.getMessage());
              return;
            }
          }
          if (HttpFaultConfigs.handles(config.getTypeUrl())) {
            var fault = HttpFaultConfigs.fromAny(config, at);
            if (fault != null) {
              converted.put(filter, fault);
            }
          } else if (HttpCorsConfigs.handlesPolicy(config.getTypeUrl())) {
            var cors = HttpCorsConfigs.fromAny(config, at);
            if (cors != null) {
              converted.put(filter, cors);
            }
          } else if (!optional) {
            at.add("unsupported type " + config.getTypeUrl());
          }
        });
    return converted;
  }
}
