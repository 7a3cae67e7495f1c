package io.trellis.proxy.tls;

import io.trellis.proxy.config.route.StringMatcher;
import java.util.Objects;

/**
 * Envoy's {@code SubjectAltNameMatcher}: a string matcher applied to the peer certificate's subject
 * alternative names of one type; {@link Type#ANY} is the older {@code match_subject_alt_names}, which
 * tries DNS, URI, email and IP names alike.
 */
public record SubjectAltNameMatcher(Type type, StringMatcher matcher) {

  /** The SAN types Envoy matches, with their X.509 {@code GeneralName} tags. */
  public enum Type {
    ANY(-1),
    EMAIL(1),
    DNS(2),
    URI(6),
    IP_ADDRESS(7);

    final int tag;

    Type(int tag) {
      this.tag = tag;
    }
  }

  public SubjectAltNameMatcher {
    Objects.requireNonNull(type, "san_type");
    Objects.requireNonNull(matcher, "matcher");
  }
}
