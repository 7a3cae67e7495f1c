package io.trellis.proxy.dns;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

/**
 * The addresses a name resolved to.
 *
 * @param addresses in preference order, never empty
 * @param ttl the smallest TTL among the answer's records, or {@code null} when the answer came from
 *     the hosts file or an IP literal (which do not expire)
 */
public record DnsAnswer(List<InetAddress> addresses, Duration ttl) {
  public DnsAnswer {
    addresses = List.copyOf(addresses);
  }
}
