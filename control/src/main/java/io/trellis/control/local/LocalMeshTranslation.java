package io.trellis.control.local;

import io.trellis.control.config.ConfigSnapshot;
import io.trellis.control.push.XdsGeneratorFactory;
import io.trellis.control.xds.XdsGenerator;
import java.util.Objects;
import java.util.ServiceLoader;

/**
 * The translation {@code trellis up} gives its control plane: the regular one (found as the
 * control plane finds it, through {@link ServiceLoader}) with every generator wrapped in a {@link
 * LocalMeshGenerator}.
 */
public final class LocalMeshTranslation implements XdsGeneratorFactory {
  private final XdsGeneratorFactory delegate;

  public LocalMeshTranslation(XdsGeneratorFactory delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  /**
   * Wraps the translation on the class path.
   *
   * @throws IllegalStateException when there is none (a mesh without translation would route nothing)
   */
  public static LocalMeshTranslation fromClassPath() {
    XdsGeneratorFactory found =
        ServiceLoader.load(XdsGeneratorFactory.class)
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("no translation on the class path (no " + XdsGeneratorFactory.class.getName() + " service)"));
    return new LocalMeshTranslation(found);
  }

  @Override
  public XdsGenerator create(ConfigSnapshot snapshot) {
    return new LocalMeshGenerator(delegate.create(snapshot));
  }
}
