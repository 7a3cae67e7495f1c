package io.trellis.proxy.xds;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.CorsPolicy;
import io.trellis.proxy.config.route.StringMatcher;
import io.trellis.proxy.http.filter.cors.CorsFilterProvider;
import java.util.ArrayList;
import java.util.List;

/**
 * Envoy's per-route {@code CorsPolicy} into {@link io.trellis.proxy.http.filter.cors.CorsPolicy}.
 * A runtime-keyed enable fraction is rejected (there is no runtime); a plain percentage is honoured
 * only at 0% or 100%, which is how control planes use it.
 */
final class HttpCorsConfigs {

  private HttpCorsConfigs() {}

  static boolean handlesFilter(String typeUrl) {
    return typeUrl.equals(CorsFilterProvider.TYPE_URL);
  }

  static boolean handlesPolicy(String typeUrl) {
    return typeUrl.equals(CorsFilterProvider.POLICY_TYPE_URL);
  }

  static io.trellis.proxy.http.filter.cors.CorsPolicy fromAny(Any any, ValidationErrors errors) {
    try {
      return convert(any.unpack(CorsPolicy.class), errors);
    } catch (InvalidProtocolBufferException e) {
      errors.add("cannot decode CorsPolicy: " + e.getMessage());
      return null;
    }
  }

  static io.trellis.proxy.http.filter.cors.CorsPolicy convert(CorsPolicy p, ValidationErrors errors) {
    int before = errors.messages().size();
    List<StringMatcher> origins = new ArrayList<>();
    for (int i = 0; i < p.getAllowOriginStringMatchCount(); i++) {
      StringMatcher m = RouteConfigurationResource.stringMatcher(p.getAllowOriginStringMatch(i), errors.at("allow_origin_string_match", i));
      if (m != null) {
        origins.add(m);
      }
    }
    boolean enabled = true;
    if (p.hasFilterEnabled()) {
      var fraction = p.getFilterEnabled();
      errors.at("filter_enabled").check(fraction.getRuntimeKey().isEmpty(), "runtime_key: not supported");
      var d = fraction.getDefaultValue();
      boolean none = d.getNumerator() == 0;
      boolean all = switch (d.getDenominator()) {
        case HUNDRED -> d.getNumerator() >= 100;
        case TEN_THOUSAND -> d.getNumerator() >= 10_000;
        case MILLION -> d.getNumerator() >= 1_000_000;
        default -> false;
      };
      errors.at("filter_enabled").check(none || all, "default_value: a fraction other than 0% or 100% is not supported");
      enabled = !none;
    }
    errors.check(!p.hasShadowEnabled(), "shadow_enabled: not supported");
    if (errors.messages().size() > before) {
      return null;
    }
    boolean on = enabled;
    return errors.build(() -> new io.trellis.proxy.http.filter.cors.CorsPolicy(
        origins, p.getAllowMethods(), p.getAllowHeaders(), p.getExposeHeaders(), p.getMaxAge(),
        p.hasAllowCredentials() && p.getAllowCredentials().getValue(),
        p.hasAllowPrivateNetworkAccess() && p.getAllowPrivateNetworkAccess().getValue(),
        !p.hasForwardNotMatchingPreflights() || p.getForwardNotMatchingPreflights().getValue(),
        on));
  }
}
