package io.trellis.bench.proxy;

import io.trellis.bench.process.Placement;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How a {@code bench proxy} run is set up.
 *
 * @param targets names of the targets to run, in order (direct, trellis, trellis-mtls, nginx, haproxy)
 * @param launcher the {@code trellis} launcher for the Trellis target; null when unknown
 * @param proxyCpus taskset CPU list for the proxy under test
 * @param loadCpus taskset CPU list for the load generator and the origin
 * @param loadDuration how long each measured load runs
 * @param warmup how long each target is warmed up before its first measured load
 * @param nice the nice value every benchmark process runs at (0: unchanged; negative needs root)
 */
public record ProxyBenchOptions(
    boolean quick,
    Path outDir,
    List<String> targets,
    Path launcher,
    String proxyCpus,
    String loadCpus,
    Duration loadDuration,
    Duration warmup,
    int nice) {

  /**
   * What a run measures unless told otherwise. trellis-mtls (a sidecar pair joined by mutual TLS) is
   * opt-in: with it a {@code --quick} run took 92 s, past its 90 s budget.
   */
  public static final List<String> ALL_TARGETS = List.of("direct", "trellis", "nginx", "haproxy");

  /** Every target {@code --targets} may name. */
  public static final List<String> KNOWN_TARGETS = List.of("direct", "trellis", "trellis-mtls", "nginx", "haproxy");

  /**
   * Defaults: all targets, 10 s loads after a 5 s warm-up (quick: 2 s loads, 1 s warm-up), and
   * as root a raised priority ({@link #ROOT_NICE}) for every benchmark process.
   */
  public static ProxyBenchOptions defaults(boolean quick, Path outDir, Path launcher) {
    return new ProxyBenchOptions(
        quick,
        outDir,
        ALL_TARGETS,
        launcher,
        "0",
        "1",
        quick ? Duration.ofSeconds(2) : Duration.ofSeconds(10),
        quick ? Duration.ofSeconds(1) : Duration.ofSeconds(5),
        "root".equals(System.getProperty("user.name")) ? ROOT_NICE : 0);
  }

  /** The priority benchmark processes get as root: ahead of ordinary work sharing the machine. */
  public static final int ROOT_NICE = -10;

  public Placement proxyPlacement() {
    return Placement.of(proxyCpus, nice);
  }

  public Placement loadPlacement() {
    return Placement.of(loadCpus, nice);
  }

  public ProxyBenchOptions {
    targets = List.copyOf(targets);
    for (String t : targets) {
      if (!KNOWN_TARGETS.contains(t)) {
        throw new IllegalArgumentException("targets: '" + t + "' (expected one of " + KNOWN_TARGETS + ")");
      }
    }
    if (loadDuration.toSeconds() < 1) {
      throw new IllegalArgumentException("loadDuration: " + loadDuration + " (expected: at least 1 s)");
    }
  }

  public ProxyBenchOptions withTargets(List<String> names) {
    return new ProxyBenchOptions(quick, outDir, names, launcher, proxyCpus, loadCpus, loadDuration, warmup, nice);
  }
}
