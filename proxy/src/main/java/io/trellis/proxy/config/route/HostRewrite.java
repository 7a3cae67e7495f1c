package io.trellis.proxy.config.route;

import java.util.Locale;

/** How a forwarding route rewrites the Host/:authority header (Envoy's {@code host_rewrite_specifier}). */
public sealed interface HostRewrite {

  /** {@code host_rewrite_literal}. */
  record Literal(String host) implements HostRewrite {
    public Literal {
      Check.nonEmpty("route.host_rewrite_literal", host);
    }
  }

  /** {@code auto_host_rewrite}: the chosen upstream host's hostname (when it has one). */
  record Auto() implements HostRewrite {}

  /** {@code host_rewrite_header}: the value of this request header, when present. */
  record FromHeader(String headerName) implements HostRewrite {
    public FromHeader {
      Check.nonEmpty("route.host_rewrite_header", headerName);
      headerName = headerName.toLowerCase(Locale.ROOT);
    }
  }
}
