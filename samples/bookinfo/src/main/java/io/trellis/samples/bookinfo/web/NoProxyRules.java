package io.trellis.samples.bookinfo.web;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The hosts {@code NO_PROXY} exempts from the proxy, read the way curl reads it: a comma-separated
 * list where {@code *} exempts everything, {@code example.com} or {@code .example.com} exempts
 * that domain and all names under it, {@code host:port} only that port, and an IP literal or CIDR
 * block ({@code 10.0.0.0/8}, {@code ::1/128}) the addresses it covers when a URL names an IP.
 */
public final class NoProxyRules {
  private final boolean exemptAll;
  private final List<Rule> rules;

  private NoProxyRules(boolean exemptAll, List<Rule> rules) {
    this.exemptAll = exemptAll;
    this.rules = List.copyOf(rules);
  }

  /** No exemptions. */
  public static NoProxyRules none() {
    return new NoProxyRules(false, List.of());
  }

  /**
   * Parses a {@code NO_PROXY} value.
   *
   * @param variable the variable's name, for error messages
   * @throws IllegalArgumentException for a malformed port or CIDR block
   */
  public static NoProxyRules parse(String variable, String value) {
    boolean all = false;
    List<Rule> rules = new ArrayList<>();
    for (String raw : value.split(",")) {
      String entry = raw.trim().toLowerCase(Locale.ROOT);
      if (entry.isEmpty()) {
        continue;
      }
      if (entry.equals("*")) {
        all = true;
        continue;
      }
      rules.add(Rule.parse(variable, entry));
    }
    return new NoProxyRules(all, rules);
  }

  /** Whether a request to {@code host:port} goes direct rather than through the proxy. */
  public boolean exempts(String host, int port) {
    if (exemptAll) {
      return true;
    }
    String name = host.toLowerCase(Locale.ROOT);
    if (name.startsWith("[") && name.endsWith("]")) {
      name = name.substring(1, name.length() - 1);
    }
    for (Rule rule : rules) {
      if (rule.matches(name, port)) {
        return true;
      }
    }
    return false;
  }

  private sealed interface Rule {
    boolean matches(String host, int port);

    static Rule parse(String variable, String entry) {
      int slash = entry.indexOf('/');
      if (slash >= 0) {
        return Cidr.parse(variable, entry, slash);
      }
      String host = entry;
      int port = -1;
      int colon = entry.lastIndexOf(':');
      // a colon in an IPv6 literal is not a port separator unless the literal is bracketed
      boolean bracketed = entry.startsWith("[");
      if (colon > 0 && (bracketed ? entry.indexOf("]:") == colon - 1 : entry.indexOf(':') == colon)) {
        host = entry.substring(0, colon);
        String digits = entry.substring(colon + 1);
        try {
          port = Integer.parseInt(digits);
        } catch (NumberFormatException badPort) {
          throw new IllegalArgumentException(
              variable + ": '" + entry + "' (expected: HOST or HOST:PORT with a numeric port)");
        }
      }
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      if (host.startsWith("*.")) {
        host = host.substring(1);
      }
      String domain = host.startsWith(".") ? host.substring(1) : host;
      return new Domain(domain, port);
    }
  }

  /** A name and everything under it, optionally on one port only. */
  private record Domain(String domain, int port) implements Rule {
    @Override
    public boolean matches(String host, int requestPort) {
      if (port >= 0 && port != requestPort) {
        return false;
      }
      return host.equals(domain) || host.endsWith("." + domain);
    }
  }

  /** An address block, matched only when the URL's host is an IP literal. */
  private record Cidr(byte[] network, int prefixBits) implements Rule {
    static Cidr parse(String variable, String entry, int slash) {
      try {
        byte[] network = InetAddress.ofLiteral(entry.substring(0, slash)).getAddress();
        int bits = Integer.parseInt(entry.substring(slash + 1));
        if (bits < 0 || bits > network.length * 8) {
          throw new IllegalArgumentException("prefix length out of range");
        }
        return new Cidr(network, bits);
      } catch (IllegalArgumentException bad) {
        throw new IllegalArgumentException(
            variable + ": '" + entry + "' (expected: an address block such as 10.0.0.0/8)");
      }
    }

    @Override
    public boolean matches(String host, int port) {
      byte[] address;
      try {
        address = InetAddress.ofLiteral(host).getAddress();
      } catch (IllegalArgumentException notAnAddress) {
        return false;
      }
      if (address.length != network.length) {
        return false;
      }
      int fullBytes = prefixBits / 8;
      for (int i = 0; i < fullBytes; i++) {
        if (address[i] != network[i]) {
          return false;
        }
      }
      int restBits = prefixBits % 8;
      if (restBits == 0) {
        return true;
      }
      int mask = (0xff << (8 - restBits)) & 0xff;
      return (address[fullBytes] & mask) == (network[fullBytes] & mask);
    }
  }
}
