package io.trellis.proxy.listener;

import io.trellis.proxy.config.listener.CidrRange;
import io.trellis.proxy.config.listener.FilterChainMatch;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Envoy's filter-chain match: criteria are applied in a fixed order (destination port, destination IP,
 * server name, transport protocol, application protocols, source IP, source port). At each step a
 * chain scores -1 when it sets the criterion and the connection does not satisfy it, 0 when it does
 * not set it, and more the more specifically it matches; only the best-scoring chains go on. So a
 * chain naming the connection's exact SNI beats a {@code *.suffix} one, which beats one with no server
 * names — and a chain that loses at one step never comes back at a later one.
 */
final class FilterChainSelector<T> {
  private final List<FilterChainMatch> matches;
  private final List<T> chains;

  FilterChainSelector(List<FilterChainMatch> matches, List<T> chains) {
    this.matches = List.copyOf(matches);
    this.chains = List.copyOf(chains);
  }

  /** The chain for the connection, or {@code null} when none matches. */
  T select(ConnectionFacts facts) {
    List<Integer> candidates = new ArrayList<>(matches.size());
    for (int i = 0; i < matches.size(); i++) {
      candidates.add(i);
    }
    InetAddress dstIp = facts.destination().getAddress();
    InetAddress srcIp = facts.source() == null ? null : facts.source().getAddress();
    candidates = narrow(candidates, m -> m.destinationPort() == 0 ? 0 : m.destinationPort() == facts.destination().getPort() ? 1 : -1);
    candidates = narrow(candidates, m -> prefixScore(m.prefixRanges(), dstIp));
    candidates = narrow(candidates, m -> serverNameScore(m.serverNames(), facts.serverName()));
    candidates = narrow(candidates, m -> m.transportProtocol().isEmpty() ? 0 : m.transportProtocol().equals(facts.transportProtocol()) ? 1 : -1);
    candidates = narrow(candidates, m -> {
      if (m.applicationProtocols().isEmpty()) {
        return 0;
      }
      for (String p : m.applicationProtocols()) {
        if (facts.applicationProtocols().contains(p)) {
          return 1;
        }
      }
      return -1;
    });
    candidates = narrow(candidates, m -> prefixScore(m.sourcePrefixRanges(), srcIp));
    candidates = narrow(candidates, m -> m.sourcePorts().isEmpty() ? 0
        : facts.source() != null && m.sourcePorts().contains(facts.source().getPort()) ? 1 : -1);
    return candidates.isEmpty() ? null : chains.get(candidates.getFirst());
  }

  private List<Integer> narrow(List<Integer> candidates, ToIntFunction<FilterChainMatch> score) {
    if (candidates.size() <= 1 && candidates.isEmpty()) {
      return candidates;
    }
    int best = -1;
    int[] scores = new int[candidates.size()];
    for (int i = 0; i < candidates.size(); i++) {
      scores[i] = score.applyAsInt(matches.get(candidates.get(i)));
      best = Math.max(best, scores[i]);
    }
    List<Integer> out = new ArrayList<>(candidates.size());
    if (best < 0) {
      return out;
    }
    for (int i = 0; i < candidates.size(); i++) {
      if (scores[i] == best) {
        out.add(candidates.get(i));
      }
    }
    return out;
  }

  private static int prefixScore(List<CidrRange> ranges, InetAddress ip) {
    if (ranges.isEmpty()) {
      return 0;
    }
    int best = -1;
    if (ip != null) {
      for (CidrRange r : ranges) {
        if (r.contains(ip)) {
          best = Math.max(best, r.prefixLen() + 1);
        }
      }
    }
    return best;
  }

  private static int serverNameScore(List<String> names, String sni) {
    if (names.isEmpty()) {
      return 0;
    }
    if (sni == null || sni.isEmpty()) {
      return -1;
    }
    String s = sni.toLowerCase(java.util.Locale.ROOT);
    int best = -1;
    for (String n : names) {
      if (n.equals(s)) {
        return 100_000;
      }
      if (n.startsWith("*.") && s.length() > n.length() - 1 && s.endsWith(n.substring(1))) {
        best = Math.max(best, n.length());
      }
    }
    return best;
  }
}
