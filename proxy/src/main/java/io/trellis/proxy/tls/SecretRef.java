package io.trellis.proxy.tls;

import java.util.Objects;

/**
 * A secret named by an {@code SdsSecretConfig}: delivered over ADS ({@code sds_config: {ads: {}}}) or,
 * without a config source, one of the bootstrap's {@code static_resources.secrets}.
 */
public record SecretRef(String name, boolean ads) {
  public SecretRef {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("name: '' (expected: the secret's name)");
    }
  }

  @Override
  public String toString() {
    return (ads ? "SDS secret '" : "static secret '") + name + "'";
  }
}
