package io.trellis.bench.controlplane;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Responses, resources and bytes received by all simulated proxies, per xDS type. */
final class PushCounters {

  /** A point-in-time copy; {@link #minus} gives what one phase of the run pushed. */
  record Totals(Map<String, Long> responses, Map<String, Long> resources, Map<String, Long> bytes) {
    Totals minus(Totals earlier) {
      return new Totals(diff(responses, earlier.responses), diff(resources, earlier.resources), diff(bytes, earlier.bytes));
    }

    private static Map<String, Long> diff(Map<String, Long> now, Map<String, Long> before) {
      Map<String, Long> out = new LinkedHashMap<>();
      now.forEach((k, v) -> out.put(k, v - before.getOrDefault(k, 0L)));
      return out;
    }

    long totalBytes() {
      return bytes.values().stream().mapToLong(Long::longValue).sum();
    }

    long totalResources() {
      return resources.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  private final Map<String, LongAdder[]> byType = new ConcurrentHashMap<>();

  void record(String typeUrl, int resources, int bytes) {
    LongAdder[] c = byType.computeIfAbsent(typeUrl, t -> new LongAdder[] {new LongAdder(), new LongAdder(), new LongAdder()});
    c[0].increment();
    c[1].add(resources);
    c[2].add(bytes);
  }

  Totals snapshot() {
    Map<String, Long> responses = new LinkedHashMap<>();
    Map<String, Long> resources = new LinkedHashMap<>();
    Map<String, Long> bytes = new LinkedHashMap<>();
    for (String type : XdsTypes.ALL) {
      LongAdder[] c = byType.get(type);
      String k = XdsTypes.shortName(type);
      responses.put(k, c == null ? 0 : c[0].sum());
      resources.put(k, c == null ? 0 : c[1].sum());
      bytes.put(k, c == null ? 0 : c[2].sum());
    }
    return new Totals(responses, resources, bytes);
  }
}
