package io.trellis.proxy.config.listener;

import java.util.List;
import java.util.Locale;

/**
 * Envoy's {@code FilterChainMatch}. Empty lists and {@code null}/0 mean "any". Matching follows Envoy:
 * criteria are applied in the order destination port, destination prefix ranges, server names,
 * transport protocol, application protocols, source prefix ranges, source ports; at each step the
 * most specific matching chains survive, and chains without that criterion survive only if none with
 * it matched.
 *
 * @param destinationPort 0 for any
 * @param serverNames exact names or {@code *.suffix} wildcards, lower-cased
 * @param transportProtocol "raw_buffer", "tls", or empty for any
 */
public record FilterChainMatch(
    int destinationPort,
    List<CidrRange> prefixRanges,
    List<String> serverNames,
    String transportProtocol,
    List<String> applicationProtocols,
    List<CidrRange> sourcePrefixRanges,
    List<Integer> sourcePorts) {

  public static final FilterChainMatch ANY = new FilterChainMatch(0, null, null, "", null, null, null);

  public FilterChainMatch {
    Check.range("filter_chain_match.destination_port", destinationPort, 0, 65535);
    prefixRanges = Check.list("filter_chain_match.prefix_ranges", prefixRanges);
    serverNames = Check.list("filter_chain_match.server_names", serverNames).stream()
        .map(s -> s.toLowerCase(Locale.ROOT))
        .toList();
    for (String s : serverNames) {
      if (s.isEmpty() || s.indexOf('*') > 0 || s.startsWith("*") && !s.startsWith("*.")) {
        throw new IllegalArgumentException(
            "filter_chain_match.server_names: '" + s + "' (expected: a host name or *.suffix)");
      }
    }
    transportProtocol = transportProtocol == null ? "" : transportProtocol;
    applicationProtocols = Check.list("filter_chain_match.application_protocols", applicationProtocols);
    sourcePrefixRanges = Check.list("filter_chain_match.source_prefix_ranges", sourcePrefixRanges);
    sourcePorts = Check.list("filter_chain_match.source_ports", sourcePorts);
    for (int p : sourcePorts) {
      Check.range("filter_chain_match.source_ports", p, 1, 65535);
    }
  }

  public static FilterChainMatch destinationPort(int port) {
    return new FilterChainMatch(port, null, null, "", null, null, null);
  }

  public FilterChainMatch withServerNames(List<String> names) {
    return new FilterChainMatch(destinationPort, prefixRanges, names, transportProtocol, applicationProtocols, sourcePrefixRanges, sourcePorts);
  }

  public FilterChainMatch withTransportProtocol(String protocol) {
    return new FilterChainMatch(destinationPort, prefixRanges, serverNames, protocol, applicationProtocols, sourcePrefixRanges, sourcePorts);
  }

  public FilterChainMatch withApplicationProtocols(List<String> protocols) {
    return new FilterChainMatch(destinationPort, prefixRanges, serverNames, transportProtocol, protocols, sourcePrefixRanges, sourcePorts);
  }

  public FilterChainMatch withPrefixRanges(List<CidrRange> ranges) {
    return new FilterChainMatch(destinationPort, ranges, serverNames, transportProtocol, applicationProtocols, sourcePrefixRanges, sourcePorts);
  }

  public FilterChainMatch withSourcePrefixRanges(List<CidrRange> ranges) {
    return new FilterChainMatch(destinationPort, prefixRanges, serverNames, transportProtocol, applicationProtocols, ranges, sourcePorts);
  }

  public FilterChainMatch withSourcePorts(List<Integer> ports) {
    return new FilterChainMatch(destinationPort, prefixRanges, serverNames, transportProtocol, applicationProtocols, sourcePrefixRanges, ports);
  }
}
