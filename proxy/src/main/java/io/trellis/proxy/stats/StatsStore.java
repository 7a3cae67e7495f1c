package io.trellis.proxy.stats;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * All stats of one proxy. Lookups are idempotent (the same name always returns the same object), so
 * a reconfigured cluster or listener keeps counting where its predecessor stopped, as Envoy's do.
 */
public final class StatsStore {
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Map<String, Gauge> gauges = new ConcurrentHashMap<>();

  public Counter counter(String name) {
    return counters.computeIfAbsent(checkName(name), n -> new Counter());
  }

  public Gauge gauge(String name) {
    return gauges.computeIfAbsent(checkName(name), n -> new Gauge());
  }

  /** Every counter's current value, sorted by name. */
  public SortedMap<String, Long> counters() {
    SortedMap<String, Long> out = new TreeMap<>();
    counters.forEach((name, c) -> out.put(name, c.get()));
    return out;
  }

  /** Every gauge's current value, sorted by name. */
  public SortedMap<String, Long> gauges() {
    SortedMap<String, Long> out = new TreeMap<>();
    gauges.forEach((name, g) -> out.put(name, g.get()));
    return out;
  }

  private static String checkName(String name) {
    if (name.isEmpty() || name.startsWith(".") || name.endsWith(".") || name.contains("..")) {
      throw new IllegalArgumentException("stat name: '" + name + "' (expected: dot-separated, non-empty segments)");
    }
    return name;
  }
}
