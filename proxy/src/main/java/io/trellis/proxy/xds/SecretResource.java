package io.trellis.proxy.xds;

import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.trellis.proxy.tls.CertificateValidation;
import io.trellis.proxy.tls.TlsCertificate;

/**
 * SDS over ADS: {@code Secret} into {@link io.trellis.proxy.tls.Secret}. A certificate is accepted only
 * when its chain and key parse and match, and a validation context only when its CAs parse, so a bad
 * secret is NACKed (naming the secret and the field) and the last good one keeps serving. Like RDS and
 * EDS, only the secrets the listeners name are subscribed.
 */
public final class SecretResource implements XdsResourceType<Secret, io.trellis.proxy.tls.Secret> {
  public static final SecretResource INSTANCE = new SecretResource();
  public static final String TYPE_URL = "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret";

  private SecretResource() {}

  @Override
  public String typeUrl() {
    return TYPE_URL;
  }

  @Override
  public String shortName() {
    return "SDS";
  }

  @Override
  public String kind() {
    return "Secret";
  }

  @Override
  public Class<Secret> protoClass() {
    return Secret.class;
  }

  @Override
  public boolean allResourcesInEachResponse() {
    return false;
  }

  @Override
  public String name(Secret proto) {
    return proto.getName();
  }

  @Override
  public io.trellis.proxy.tls.Secret parse(Secret s, ValidationErrors errors) {
    if (s.getName().isEmpty()) {
      errors.at("name").add("'' (expected: the name listeners refer to)");
      return null;
    }
    return switch (s.getTypeCase()) {
      case TLS_CERTIFICATE -> {
        TlsCertificate c = TlsContexts.certificate(s.getTlsCertificate(), errors.at("tls_certificate"));
        yield c == null ? null : io.trellis.proxy.tls.Secret.of(s.getName(), c);
      }
      case VALIDATION_CONTEXT -> {
        CertificateValidation v = TlsContexts.validation(s.getValidationContext(), errors.at("validation_context"));
        if (v != null && v.trustedCaPem() == null) {
          errors.at("validation_context.trusted_ca").add("missing (expected: the CAs to verify peers against)");
          yield null;
        }
        yield v == null ? null : io.trellis.proxy.tls.Secret.of(s.getName(), v);
      }
      default -> {
        errors.at("type").add(s.getTypeCase().name().toLowerCase() + " is not supported (expected: tls_certificate or validation_context)");
        yield null;
      }
    };
  }
}
