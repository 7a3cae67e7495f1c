package io.trellis.control.xds;

import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Makes streams that subscribe to equal sets of resource names share one immutable set. Every
 * sidecar of a shape asks for the same few thousand EDS names; kept per stream, 2000 sidecars held
 * six million copies of those strings. Bounded: a run that churns many distinct sets loses sharing,
 * never memory.
 */
final class NameSetInterner {
  static final int MAX_SETS = 256;

  private final ConcurrentHashMap<Set<String>, Set<String>> sets = new ConcurrentHashMap<>();

  /** An immutable set equal to {@code names}, the same instance for equal sets while cached. */
  Set<String> intern(Collection<String> names) {
    if (names.isEmpty()) {
      return Set.of();
    }
    Set<String> s = Set.copyOf(names);
    Set<String> prior = sets.putIfAbsent(s, s);
    if (prior != null) {
      return prior;
    }
    if (sets.size() > MAX_SETS) {
      sets.clear();
      sets.put(s, s);
    }
    return s;
  }
}
