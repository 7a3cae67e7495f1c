package io.trellis.api.validate;

import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * IP addresses, CIDR blocks and Unix socket paths, parsed as literals only: no name is ever
 * resolved, so validation never touches DNS.
 */
public final class Addresses {

  /** The prefix Istio uses for Unix domain socket addresses. */
  public static final String UNIX_PREFIX = "unix://";

  private Addresses() {}

  /** Whether {@code text} is an IPv4 or IPv6 address literal. */
  public static boolean isIp(String text) {
    if (text.isEmpty() || text.contains("/") || text.contains("%")) {
      return false;
    }
    if (!text.contains(":") && !text.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.')) {
      return false;
    }
    if (!text.contains(":")) {
      // InetAddress accepts shorthand such as "1.2" and leading zeros; Go's parser does not.
      String[] parts = text.split("\\.", -1);
      if (parts.length != 4) {
        return false;
      }
      for (String p : parts) {
        if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.startsWith("0")) || Integer.parseInt(p) > 255) {
          return false;
        }
      }
      return true;
    }
    try {
      InetAddress.ofLiteral(text);
      return true;
    } catch (IllegalArgumentException notAnAddress) {
      return false;
    }
  }

  /** Whether {@code text} is a CIDR block such as {@code 10.0.0.0/8} or {@code 2001:db8::/32}. */
  public static boolean isCidr(String text) {
    int slash = text.indexOf('/');
    if (slash < 0 || slash != text.lastIndexOf('/')) {
      return false;
    }
    String address = text.substring(0, slash);
    String bits = text.substring(slash + 1);
    if (!isIp(address) || bits.isEmpty() || bits.length() > 3 || !bits.chars().allMatch(Character::isDigit)) {
      return false;
    }
    int max = InetAddress.ofLiteral(address) instanceof Inet4Address ? 32 : 128;
    return Integer.parseInt(bits) <= max;
  }

  /** Istio's ValidateIPSubnet: an address, or a CIDR block when it has a '/'. */
  public static String checkIpOrCidr(String text) {
    if (text.contains("/")) {
      return isCidr(text) ? null : text + " is not a valid CIDR block";
    }
    return isIp(text) ? null : text + " is not a valid IP";
  }

  /** A Unix socket path after {@code unix://}: absolute and not a directory, or abstract ({@code @name}). */
  public static String checkUnixAddress(String path) {
    if (path.isEmpty()) {
      return "unix address must not be empty";
    }
    if (path.startsWith("@")) {
      return null;
    }
    if (!path.startsWith("/")) {
      return "UDS must be an absolute path or abstract socket: " + path;
    }
    if (path.endsWith("/")) {
      return "UDS may not be a dir: " + path;
    }
    return null;
  }
}
