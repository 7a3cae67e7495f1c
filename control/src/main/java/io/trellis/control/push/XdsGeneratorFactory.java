package io.trellis.control.push;

import io.trellis.control.config.ConfigSnapshot;
import io.trellis.control.xds.XdsGenerator;

/**
 * Builds the generator (the push context) for one configuration snapshot: translation's entry
 * point. The control plane calls it once per debounced push, then hands the result to the xDS
 * server, which calls {@link XdsGenerator#generate} per proxy.
 *
 * <p>The control plane finds the implementation with {@link java.util.ServiceLoader}: translation
 * registers its class in {@code META-INF/services/io.trellis.control.push.XdsGeneratorFactory}.
 * Implementations must be thread-safe and should be pure; they may keep the previous result to
 * build the next one incrementally.
 */
@FunctionalInterface
public interface XdsGeneratorFactory {

  /**
   * The generator for {@code snapshot}.
   *
   * @throws RuntimeException if translation fails; the control plane logs it and proxies keep the
   *     configuration they have
   */
  XdsGenerator create(ConfigSnapshot snapshot);
}
