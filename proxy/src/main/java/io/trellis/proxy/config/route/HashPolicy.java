package io.trellis.proxy.config.route;

import java.time.Duration;
import java.util.Locale;

/**
 * One entry of Envoy's {@code RouteAction.hash_policy}. Entries are hashed in order and combined; a
 * {@code terminal} entry that produced a hash stops the walk.
 */
public sealed interface HashPolicy {

  boolean terminal();

  /** Hash of a request header's value. */
  record Header(String headerName, boolean terminal) implements HashPolicy {
    public Header {
      Check.nonEmpty("hash_policy.header.header_name", headerName);
      headerName = headerName.toLowerCase(Locale.ROOT);
    }
  }

  /**
   * Hash of a cookie's value. With a {@code ttl}, a missing cookie is generated and set on the
   * response (Envoy's sticky sessions); without one, a missing cookie contributes nothing.
   */
  record Cookie(String name, Duration ttl, String path, boolean terminal) implements HashPolicy {
    public Cookie {
      Check.nonEmpty("hash_policy.cookie.name", name);
      Check.nonNegative("hash_policy.cookie.ttl", ttl);
      path = path == null ? "" : path;
    }
  }

  /** Hash of the downstream connection's source IP. */
  record SourceIp(boolean terminal) implements HashPolicy {}

  /** Hash of a query parameter's value. */
  record QueryParameter(String name, boolean terminal) implements HashPolicy {
    public QueryParameter {
      Check.nonEmpty("hash_policy.query_parameter.name", name);
    }
  }
}
