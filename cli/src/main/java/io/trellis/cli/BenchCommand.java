package io.trellis.cli;

import io.trellis.bench.BenchHome;
import io.trellis.bench.controlplane.ControlPlaneBenchmark;
import io.trellis.bench.controlplane.ControlPlaneOptions;
import io.trellis.bench.controlplane.XdsMode;
import io.trellis.bench.proxy.ProxyBenchOptions;
import io.trellis.bench.proxy.ProxyBenchmark;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code trellis bench}: Trellis measured side by side with its peers, in one run. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Benchmark Trellis against its peers on this machine and record the results.",
      "Installs nginx, HAProxy, wrk and h2load first when they are missing."
    },
    subcommands = {BenchCommand.Proxy.class, BenchCommand.ControlPlane.class})
public final class BenchCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 0;
  }

  static BenchHome home() {
    return BenchHome.find(System.getenv("TRELLIS_HOME"), Path.of("").toAbsolutePath());
  }

  /** {@code trellis bench proxy}. */
  @Command(
      name = "proxy",
      mixinStandardHelpOptions = true,
      description = {
        "The proxy against nginx and HAProxy: one nginx origin, then direct, trellis, nginx and haproxy in turn",
        "under maximum HTTP/1.1 throughput, fixed rates of 1000 and 5000 rps, h2c with 100 streams and 1 MiB bodies,",
        "the proxy pinned to one CPU and the load generator and origin to another."
      })
  static final class Proxy implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(names = "--quick", description = "Short loads (2 s each) so that the whole run stays under 90 s.")
    boolean quick;

    @Option(names = "--out", paramLabel = "DIR", description = "Where the JSON goes (default: bench/results in the checkout).")
    Path out;

    @Option(
        names = "--targets",
        split = ",",
        paramLabel = "NAME",
        description =
            "Targets to run, in order (default: direct,trellis,nginx,haproxy). Opt-in: trellis-mtls, two Trellis"
                + " proxies joined by mutual TLS (HTTP/2 by ALPN), both on the proxy CPUs; not in the default set"
                + " because it pushes --quick past 90 s.")
    List<String> targets;

    @Option(names = "--trellis", paramLabel = "PATH", description = "The trellis launcher to run the proxy with (default: the checkout's).")
    Path launcher;

    @Option(names = "--duration", paramLabel = "SECONDS", description = "Seconds per load (default: 10, or 2 with --quick).")
    Integer durationSeconds;

    @Option(names = "--warmup", paramLabel = "SECONDS", description = "Seconds of warm-up per target (default: 5, or 1 with --quick).")
    Integer warmupSeconds;

    @Option(
        names = "--nice",
        paramLabel = "N",
        description = "Nice value for every benchmark process (default: -10 as root, so that other work on the machine yields; 0 otherwise).")
    Integer nice;

    @Option(names = "--proxy-cpus", paramLabel = "LIST", defaultValue = "0", description = "taskset CPU list for the proxy (default: ${DEFAULT-VALUE}).")
    String proxyCpus;

    @Option(names = "--load-cpus", paramLabel = "LIST", defaultValue = "1", description = "taskset CPU list for the load generator and origin (default: ${DEFAULT-VALUE}).")
    String loadCpus;

    @Override
    public Integer call() throws Exception {
      BenchHome home = home();
      ProxyBenchOptions d = ProxyBenchOptions.defaults(quick, out == null ? home.results() : out, launcher == null ? home.launcher() : launcher);
      ProxyBenchOptions options;
      try {
        options =
          new ProxyBenchOptions(
              quick,
              d.outDir(),
              targets == null ? d.targets() : targets,
              d.launcher(),
              proxyCpus,
              loadCpus,
              durationSeconds == null ? d.loadDuration() : Duration.ofSeconds(durationSeconds),
              warmupSeconds == null ? d.warmup() : Duration.ofSeconds(warmupSeconds),
              nice == null ? d.nice() : nice);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
      home.ensurePackages();
      ProxyBenchmark.Outcome outcome = new ProxyBenchmark(options, System.err, Clock.systemUTC()).run();
      spec.commandLine().getOut().print(outcome.table());
      spec.commandLine().getOut().println("results: " + outcome.file());
      spec.commandLine().getOut().flush();
      return 0;
    }
  }

  /** {@code trellis bench control-plane}. */
  @Command(
      name = "control-plane",
      mixinStandardHelpOptions = true,
      description = {
        "The control plane at scale: N services of Istio config, `trellis control-plane` on them, and M simulated",
        "sidecars over ADS; times the full initial push, one VirtualService change and one endpoint change."
      })
  static final class ControlPlane implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(names = "--quick", description = "A smaller mesh (50 services, 100 proxies unless given) and short deadlines, so that the run stays under 90 s.")
    boolean quick;

    @Option(names = "--out", paramLabel = "DIR", description = "Where the JSON goes (default: bench/results in the checkout).")
    Path out;

    @Option(names = "--services", paramLabel = "N", description = "Services to generate (default: 1000, or 50 with --quick).")
    Integer services;

    @Option(names = "--proxies", paramLabel = "M", description = "Simulated sidecars (default: 2000, or 100 with --quick).")
    Integer proxies;

    @Option(names = "--trellis", paramLabel = "PATH", description = "The trellis launcher to run the control plane with (default: the checkout's).")
    Path launcher;

    @Option(
        names = "--modes",
        split = ",",
        paramLabel = "MODE",
        description = "ADS variants to run, in order: sotw, delta (default: both).")
    List<XdsMode> modes;

    @Override
    public Integer call() throws Exception {
      BenchHome home = home();
      ControlPlaneOptions options;
      try {
        options =
            ControlPlaneOptions.defaults(
                quick, out == null ? home.results() : out, launcher == null ? home.launcher() : launcher, services, proxies);
        if (modes != null) {
          options = options.withModes(modes);
        }
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
      home.ensurePackages();
      ControlPlaneBenchmark.Outcome outcome = new ControlPlaneBenchmark(options, System.err, Clock.systemUTC()).run();
      spec.commandLine().getOut().print(outcome.table());
      spec.commandLine().getOut().println("results: " + outcome.file());
      spec.commandLine().getOut().flush();
      return 0;
    }
  }
}
