package io.trellis.control.model;

import io.trellis.control.config.ConfigSnapshot;
import io.trellis.control.push.XdsGeneratorFactory;
import io.trellis.control.xds.XdsGenerator;

/**
 * Translation's entry point for the control plane, found through {@link java.util.ServiceLoader}
 * ({@code META-INF/services/io.trellis.control.push.XdsGeneratorFactory}): one {@link PushContext}
 * per configuration snapshot.
 */
public final class PushContextFactory implements XdsGeneratorFactory {
  @Override
  public XdsGenerator create(ConfigSnapshot snapshot) {
    return PushContext.build(snapshot);
  }
}
