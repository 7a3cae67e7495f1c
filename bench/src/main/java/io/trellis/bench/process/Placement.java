package io.trellis.bench.process;

import java.util.ArrayList;
import java.util.List;

/**
 * Where and how eagerly a benchmark process runs: pinned to CPUs with taskset, and optionally at a
 * raised priority (a negative nice value, root only) so that a build or test suite running on a
 * shared machine at the same time takes less of the measured cores. Every process of a run — the
 * proxy, the origin, the load generator — gets the same priority, so no target gains from it.
 */
public record Placement(String cpus, int nice) {

  /** Unpinned, normal priority. */
  public static final Placement NONE = new Placement(null, 0);

  /** Pinned to {@code cpus} at priority {@code nice}. */
  public static Placement of(String cpus, int nice) {
    return new Placement(cpus, nice);
  }

  /** The argv prefix that applies this placement; {@code nice} and {@code taskset} exec the command. */
  public List<String> prefix() {
    List<String> p = new ArrayList<>();
    if (nice != 0) {
      p.addAll(List.of("nice", "-n", Integer.toString(nice)));
    }
    if (cpus != null) {
      p.addAll(List.of("taskset", "-c", cpus));
    }
    return p;
  }
}
