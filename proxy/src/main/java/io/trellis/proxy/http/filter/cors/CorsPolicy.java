package io.trellis.proxy.http.filter.cors;

import io.trellis.proxy.config.route.StringMatcher;
import io.trellis.proxy.router.StringMatchers;
import java.util.List;

/**
 * One route's or virtual host's CORS policy, as Envoy's {@code CorsPolicy} after conversion.
 * Immutable; origin matchers are compiled once.
 */
public final class CorsPolicy {
  private final List<StringMatcher> allowOrigins;
  private final StringMatchers originMatchers;
  private final String allowMethods;
  private final String allowHeaders;
  private final String exposeHeaders;
  private final String maxAge;
  private final boolean allowCredentials;
  private final boolean allowPrivateNetworkAccess;
  private final boolean forwardNotMatchingPreflights;
  private final boolean enabled;

  /**
   * @param allowOrigins origins allowed; a matcher that matches {@code "*"} allows every origin, as in Envoy
   * @param allowMethods, allowHeaders, exposeHeaders, maxAge sent as written, or {@code ""} for none
   * @param forwardNotMatchingPreflights whether a preflight from an origin not allowed goes upstream
   *     (Envoy's default) rather than being answered here without CORS headers
   * @param enabled {@code filter_enabled}: a disabled policy leaves requests alone
   */
  public CorsPolicy(
      List<StringMatcher> allowOrigins, String allowMethods, String allowHeaders, String exposeHeaders, String maxAge,
      boolean allowCredentials, boolean allowPrivateNetworkAccess, boolean forwardNotMatchingPreflights, boolean enabled) {
    this.allowOrigins = List.copyOf(allowOrigins);
    this.originMatchers = StringMatchers.compile(this.allowOrigins);
    this.allowMethods = allowMethods == null ? "" : allowMethods;
    this.allowHeaders = allowHeaders == null ? "" : allowHeaders;
    this.exposeHeaders = exposeHeaders == null ? "" : exposeHeaders;
    this.maxAge = maxAge == null ? "" : maxAge;
    if (!this.maxAge.isEmpty() && !this.maxAge.chars().allMatch(Character::isDigit)) {
      throw new IllegalArgumentException("max_age: '" + maxAge + "' (expected: seconds, digits only)");
    }
    this.allowCredentials = allowCredentials;
    this.allowPrivateNetworkAccess = allowPrivateNetworkAccess;
    this.forwardNotMatchingPreflights = forwardNotMatchingPreflights;
    this.enabled = enabled;
  }

  boolean allowsOrigin(String origin) {
    return originMatchers.anyMatches("*") || originMatchers.anyMatches(origin);
  }

  public List<StringMatcher> allowOrigins() {
    return allowOrigins;
  }

  public String allowMethods() {
    return allowMethods;
  }

  public String allowHeaders() {
    return allowHeaders;
  }

  public String exposeHeaders() {
    return exposeHeaders;
  }

  public String maxAge() {
    return maxAge;
  }

  public boolean allowCredentials() {
    return allowCredentials;
  }

  public boolean allowPrivateNetworkAccess() {
    return allowPrivateNetworkAccess;
  }

  public boolean forwardNotMatchingPreflights() {
    return forwardNotMatchingPreflights;
  }

  public boolean enabled() {
    return enabled;
  }

  @Override
  public String toString() {
    return "CorsPolicy[allowOrigins=" + allowOrigins + ", allowMethods=" + allowMethods + ", allowHeaders=" + allowHeaders
        + ", exposeHeaders=" + exposeHeaders + ", maxAge=" + maxAge + ", allowCredentials=" + allowCredentials
        + ", enabled=" + enabled + "]";
  }
}
