package io.trellis.bench.proxy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How a {@code bench proxy} run is set up.
 *
 * @param targets names of the targets to run, in order (direct, trellis, nginx, haproxy)
 * @param launcher the {@code trellis} launcher for the Trellis target; null when unknown
 * @param proxyCpus taskset CPU list for the proxy under test
 * @param loadCpus taskset CPU list for the load generator and the origin
 * @param loadDuration how long each measured load runs
 * @param warmup how long each target is warmed up before its first measured load
 */
public record ProxyBenchOptions(
    boolean quick,
    Path outDir,
    List<String> targets,
    Path launcher,
    String proxyCpus,
    String loadCpus,
    Duration loadDuration,
    Duration warmup) {

  public static final List<String> ALL_TARGETS = List.of("direct", "trellis", "nginx", "haproxy");

  /** Defaults: all targets, 10 s loads after a 5 s warm-up; quick: 2 s loads, 1 s warm-up. */
  public static ProxyBenchOptions defaults(boolean quick, Path outDir, Path launcher) {
    return new ProxyBenchOptions(
        quick,
        outDir,
        ALL_TARGETS,
        launcher,
        "0",
        "1",
        quick ? Duration.ofSeconds(2) : Duration.ofSeconds(10),
        quick ? Duration.ofSeconds(1) : Duration.ofSeconds(5));
  }

  public ProxyBenchOptions {
    targets = List.copyOf(targets);
    for (String t : targets) {
      if (!ALL_TARGETS.contains(t)) {
        throw new IllegalArgumentException("targets: '" + t + "' (expected one of " + ALL_TARGETS + ")");
      }
    }
    if (loadDuration.toSeconds() < 1) {
      throw new IllegalArgumentException("loadDuration: " + loadDuration + " (expected: at least 1 s)");
    }
  }

  public ProxyBenchOptions withTargets(List<String> names) {
    return new ProxyBenchOptions(quick, outDir, names, launcher, proxyCpus, loadCpus, loadDuration, warmup);
  }
}
