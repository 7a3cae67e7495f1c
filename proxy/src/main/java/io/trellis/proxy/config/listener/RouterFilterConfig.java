package io.trellis.proxy.config.listener;

/**
 * The router filter's typed config ({@code extensions.filters.http.router.v3.Router}).
 *
 * @param suppressEnvoyHeaders do not add {@code x-envoy-*} headers such as
 *     {@code x-envoy-upstream-service-time} to responses
 */
public record RouterFilterConfig(boolean suppressEnvoyHeaders) {
  public static final RouterFilterConfig DEFAULTS = new RouterFilterConfig(false);
}
