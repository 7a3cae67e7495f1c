package io.trellis.proxy.config.listener;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Envoy's {@code core.v3.CidrRange}: an address prefix and its length in bits. */
public record CidrRange(String addressPrefix, int prefixLen) {
  public CidrRange {
    Check.nonEmpty("cidr_range.address_prefix", addressPrefix);
    byte[] bytes = parse(addressPrefix);
    Check.range("cidr_range[" + addressPrefix + "].prefix_len", prefixLen, 0, bytes.length * 8L);
  }

  /** Whether {@code address} lies in this range (an IPv4 address never lies in an IPv6 range and vice versa). */
  public boolean contains(InetAddress address) {
    byte[] prefix = parse(addressPrefix);
    byte[] candidate = address.getAddress();
    if (candidate.length != prefix.length) {
      return false;
    }
    int full = prefixLen / 8;
    for (int i = 0; i < full; i++) {
      if (prefix[i] != candidate[i]) {
        return false;
      }
    }
    int rest = prefixLen % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (prefix[full] & mask) == (candidate[full] & mask);
  }

  private static byte[] parse(String literal) {
    if (!literal.matches("[0-9a-fA-F:.]+")) {
      throw new IllegalArgumentException("cidr_range.address_prefix: '" + literal + "' (expected: an IP address literal)");
    }
    try {
      return InetAddress.getByName(literal).getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("cidr_range.address_prefix: '" + literal + "' (expected: an IP address literal)", e);
    }
  }
}
