package io.trellis.proxy.tls;

import java.util.Map;

/**
 * Every secret a TLS context may name at one moment: the bootstrap's static ones and those SDS
 * delivered, in separate name spaces as in Envoy. Immutable; replaced as a whole on each update.
 */
public record Secrets(Map<String, Secret> statics, Map<String, Secret> dynamic) {
  public static final Secrets NONE = new Secrets(Map.of(), Map.of());

  public Secrets {
    statics = Map.copyOf(statics);
    dynamic = Map.copyOf(dynamic);
  }

  /** The secret {@code ref} names, or {@code null} when it has not arrived (or does not exist). */
  public Secret find(SecretRef ref) {
    return (ref.ads() ? dynamic : statics).get(ref.name());
  }

  public Secrets withDynamic(Map<String, Secret> next) {
    return new Secrets(statics, next);
  }

  public Secrets withStatics(Map<String, Secret> next) {
    return new Secrets(next, dynamic);
  }
}
