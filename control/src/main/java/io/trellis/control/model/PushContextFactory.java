package io.trellis.control.model;

import io.trellis.control.config.ConfigSnapshot;
import io.trellis.control.push.XdsGeneratorFactory;
import io.trellis.control.xds.XdsGenerator;

/**
 * Translation's entry point for the control plane, found through {@link java.util.ServiceLoader}
 * ({@code META-INF/services/io.trellis.control.push.XdsGeneratorFactory}): one {@link PushContext}
 * per configuration snapshot, each built incrementally from the one before.
 */
public final class PushContextFactory implements XdsGeneratorFactory {
  /** The last context built: the next one takes over what the change in between left valid. */
  private PushContext last;

  @Override
  public synchronized XdsGenerator create(ConfigSnapshot snapshot) {
    PushContext next = PushContext.build(snapshot, MeshDefaults.ISTIO, last);
    last = next;
    return next;
  }
}
