package io.trellis.bench.controlplane;

import io.trellis.bench.peer.TargetUnavailableException;
import io.trellis.bench.process.BenchProcess;
import io.trellis.bench.process.CommandRun;
import io.trellis.bench.process.Placement;
import io.trellis.bench.process.FreePort;
import io.trellis.bench.process.JvmHeap;
import io.trellis.bench.process.LoadAverage;
import io.trellis.bench.process.ProcStat;
import io.trellis.bench.report.Machine;
import io.trellis.bench.report.ResultFile;
import io.trellis.bench.report.TextTable;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * Runs {@code bench control-plane}: writes the mesh's configuration, starts {@code trellis
 * control-plane --config DIR --xds-port P} as its own process through the launcher, connects the
 * simulated sidecars, and measures the initial push, one VirtualService edit and one endpoint
 * edit. A control plane that cannot start gets error rows with the reason, never figures.
 */
public final class ControlPlaneBenchmark {

  static final String NAME = "trellis";
  static final List<String> PHASES = List.of("initial", "vs-change", "endpoint-change");
  private static final Duration PORT_DEADLINE = Duration.ofSeconds(120);
  /** After a phase, wait until no response has arrived for this long before the next one. */
  private static final Duration QUIET = Duration.ofMillis(1000);
  private static final int WARM_UP_PROXIES = 5;

  private final ControlPlaneOptions options;
  private final PrintStream progress;
  private final Clock clock;
  private final ProcStat proc = new ProcStat();

  public ControlPlaneBenchmark(ControlPlaneOptions options, PrintStream progress, Clock clock) {
    this.options = options;
    this.progress = progress;
    this.clock = clock;
  }

  /** The report, the file it was written to and the table printed for it. */
  public record Outcome(ControlPlaneReport report, Path file, String table) {}

  public Outcome run() throws IOException {
    Instant started = clock.instant();
    String loadBefore = LoadAverage.read();
    Path workDir = Files.createTempDirectory("trellis-bench-cp-");
    List<ControlPlaneRow> rows = new ArrayList<>();
    Double startMs = null;
    try {
      MeshConfig mesh = new MeshConfig(options.services(), options.namespaces());
      Path configDir = workDir.resolve("config");
      progress.println("bench control-plane: writing " + options.services() + " services to " + configDir);
      mesh.write(configDir);
      int port = FreePort.pick();
      long t0 = System.nanoTime();
      try (BenchProcess cp = start(workDir, configDir, port)) {
        awaitPort(port, cp);
        startMs = (System.nanoTime() - t0) / 1e6;
        progress.printf("bench control-plane: xDS port open after %.0f ms%n", startMs);
        warmUp(port, mesh);
        for (int k = 0; k < options.modes().size(); k++) {
          XdsMode mode = options.modes().get(k);
          int changed = (options.services() / 2 + k) % options.services();
          rows.addAll(measure(cp, mesh, configDir, workDir.resolve("scratch"), port, mode, changed));
        }
      } catch (TargetUnavailableException e) {
        fail(rows, e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        fail(rows, "interrupted");
      }
    } finally {
      deleteTree(workDir);
    }
    ControlPlaneReport report =
        new ControlPlaneReport(
            "control-plane", started.toString(), options.quick(), Machine.current(), setup(loadBefore), startMs, rows);
    Path file = ResultFile.write(options.outDir(), "control-plane", started, report);
    return new Outcome(report, file, table(report));
  }

  private void fail(List<ControlPlaneRow> rows, String reason) {
    progress.println("bench control-plane: not measured: " + reason);
    rows.clear();
    for (XdsMode mode : options.modes()) {
      for (String phase : PHASES) {
        rows.add(ControlPlaneRow.failed(NAME, mode.label(), phase, options.services(), options.proxies(), reason));
      }
    }
  }

  private BenchProcess start(Path workDir, Path configDir, int port) throws IOException, TargetUnavailableException {
    Path launcher = options.launcher();
    if (launcher == null) {
      throw new TargetUnavailableException(
          "no Trellis launcher: TRELLIS_HOME is not set (run as `./trellis bench`, or pass --trellis PATH)");
    }
    if (!Files.isExecutable(launcher)) {
      throw new TargetUnavailableException("Trellis launcher " + launcher + " is not an executable file");
    }
    CommandRun.Result help =
        CommandRun.run(List.of(launcher.toString(), "control-plane", "--help"), Placement.NONE, Duration.ofMinutes(5));
    if (!help.ok()) {
      throw new TargetUnavailableException(
          "`trellis control-plane` is not available in this build (exit " + help.exitCode() + "): " + help.tail(2));
    }
    List<String> cmd =
        new ArrayList<>(
            List.of(launcher.toString(), "control-plane", "--config", configDir.toString(), "--xds-port", Integer.toString(port)));
    // keep the run to itself: its own state directory, no fixed metrics port (15014 may be taken)
    if (help.output().contains("--state-dir")) {
      cmd.addAll(List.of("--state-dir", workDir.resolve("state").toString()));
    }
    if (help.output().contains("--monitoring-port")) {
      cmd.addAll(List.of("--monitoring-port", "0"));
    }
    return BenchProcess.start("control-plane", cmd, Placement.NONE, workDir);
  }

  private static void awaitPort(int port, BenchProcess cp) throws TargetUnavailableException {
    long end = System.nanoTime() + PORT_DEADLINE.toNanos();
    while (System.nanoTime() < end) {
      if (!cp.isAlive()) {
        throw new TargetUnavailableException("the control plane exited; its output ends with:\n" + cp.logTail(10));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
        return;
      } catch (IOException notYet) {
        LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
      }
    }
    throw new TargetUnavailableException(
        "xDS port " + port + " not open within " + PORT_DEADLINE.toSeconds() + " s; output ends with:\n" + cp.logTail(10));
  }

  /**
   * A few proxies of each mode fetch their configuration once before anything is timed, so that
   * the first measured mode does not pay for the control plane's class loading and JIT alone.
   */
  private void warmUp(int port, MeshConfig mesh) throws InterruptedException {
    for (XdsMode mode : options.modes()) {
      try (ProxyFleet warm = new ProxyFleet(port, WARM_UP_PROXIES, i -> SidecarIdentity.ofWorkload(mesh, i), mode, System::nanoTime)) {
        warm.start();
        boolean done = warm.awaitInitialConfig(options.quietLimit().multipliedBy(3));
        progress.println("bench control-plane: warm-up with " + WARM_UP_PROXIES + " " + mode.label() + " proxies "
            + (done ? "done" : "incomplete after " + options.quietLimit().multipliedBy(3).toSeconds() + " s"));
      }
    }
  }

  private List<ControlPlaneRow> measure(
      BenchProcess cp, MeshConfig mesh, Path configDir, Path scratch, int port, XdsMode mode, int changed)
      throws InterruptedException, IOException {
    List<ControlPlaneRow> rows = new ArrayList<>();
    int m = options.proxies();
    String tag = "bench control-plane: " + mode.label() + ": ";
    try (ProxyFleet fleet = new ProxyFleet(port, m, i -> SidecarIdentity.ofWorkload(mesh, i), mode, System::nanoTime)) {
      double cpu0 = proc.cpuSeconds(cp.pid());
      double self0 = proc.cpuSeconds(ProcessHandle.current().pid());
      PushCounters.Totals before = fleet.counters().snapshot();
      progress.println(tag + "connecting " + m + " simulated sidecars");
      fleet.start();
      boolean all = fleet.awaitInitialConfig(options.initialDeadline());
      double[] initial = fleet.initialConfigMs();
      awaitQuiet(fleet);
      double cpu1 = proc.cpuSeconds(cp.pid());
      double self1 = proc.cpuSeconds(ProcessHandle.current().pid());
      PushCounters.Totals afterInitial = fleet.counters().snapshot();
      PushCounters.Totals pushed = afterInitial.minus(before);
      String note = null;
      if (!all) {
        note = initial.length + " of " + m + " proxies had their full configuration after "
            + options.initialDeadline().toSeconds() + " s" + failure(fleet) + logTail(cp);
      } else if (pushed.resources().get("cds") + pushed.resources().get("lds") == 0) {
        note = "the control plane answered with no clusters and no listeners: there was nothing to converge on"
            + logTail(cp);
      }
      rows.add(row("initial", initial, pushed, cpu1 - cpu0, self1 - self0, cp, fleet, note));
      progress.println(tag + "initial: " + brief(rows.getLast()));
      if (initial.length == 0) {
        String why = "no proxy got its initial configuration" + failure(fleet);
        rows.add(ControlPlaneRow.failed(NAME, mode.label(), "vs-change", options.services(), m, why));
        rows.add(ControlPlaneRow.failed(NAME, mode.label(), "endpoint-change", options.services(), m, why));
        return rows;
      }

      ConvergenceWatch vs = fleet.watch(java.util.Set.of(XdsTypes.ROUTE, XdsTypes.VIRTUAL_HOST), mesh.cluster(changed, "v2"));
      mesh.routeToV2(configDir, scratch, changed);
      rows.add(change("vs-change", vs, fleet, cp, afterInitial));
      progress.println(tag + "vs-change: " + brief(rows.getLast()));

      PushCounters.Totals afterVs = fleet.counters().snapshot();
      ConvergenceWatch ep = fleet.watch(java.util.Set.of(XdsTypes.ENDPOINT), mesh.movedAddress(changed));
      mesh.moveEndpoint(configDir, scratch, changed);
      rows.add(change("endpoint-change", ep, fleet, cp, afterVs));
      progress.println(tag + "endpoint-change: " + brief(rows.getLast()));
    }
    return rows;
  }

  private ControlPlaneRow change(
      String phase, ConvergenceWatch watch, ProxyFleet fleet, BenchProcess cp, PushCounters.Totals before)
      throws InterruptedException {
    double cpu0 = proc.cpuSeconds(cp.pid());
    double self0 = proc.cpuSeconds(ProcessHandle.current().pid());
    boolean all = watch.await(options.changeDeadline());
    double[] latencies = watch.latenciesMs();
    awaitQuiet(fleet);
    double cpu1 = proc.cpuSeconds(cp.pid());
    double self1 = proc.cpuSeconds(ProcessHandle.current().pid());
    String note =
        all ? null : latencies.length + " of " + fleet.size() + " proxies received the change within "
            + options.changeDeadline().toSeconds() + " s" + failure(fleet) + logTail(cp);
    return row(phase, latencies, fleet.counters().snapshot().minus(before), cpu1 - cpu0, self1 - self0, cp, fleet, note);
  }

  private ControlPlaneRow row(
      String phase,
      double[] sortedMs,
      PushCounters.Totals pushed,
      double cpuSeconds,
      double harnessCpuSeconds,
      BenchProcess cp,
      ProxyFleet fleet,
      String note) {
    OptionalDouble heap = JvmHeap.usedMib(cp.pid());
    return new ControlPlaneRow(
        NAME,
        fleet.mode().label(),
        phase,
        note == null ? "ok" : "incomplete",
        options.services(),
        fleet.size(),
        sortedMs.length,
        round(ProxyFleet.percentile(sortedMs, 0.50)),
        round(ProxyFleet.percentile(sortedMs, 0.99)),
        sortedMs.length == 0 ? null : round(sortedMs[sortedMs.length - 1]),
        pushed.responses(),
        pushed.resources(),
        pushed.bytes(),
        round(cpuSeconds),
        round(harnessCpuSeconds),
        heap.isPresent() ? round(heap.getAsDouble()) : null,
        round(proc.rssMib(cp.pid())),
        fleet.nacks(),
        fleet.failedStreams(),
        note);
  }

  /** The control plane's last words, for a note on a phase that did not complete. */
  private static String logTail(BenchProcess cp) {
    String tail = cp.logTail(5).strip();
    return tail.isEmpty() ? "" : "; control-plane output ends with: " + tail.replace("\n", " | ");
  }

  private static String failure(ProxyFleet fleet) {
    return fleet.firstFailure() == null ? "" : "; first stream failure: " + fleet.firstFailure();
  }

  /** Waits (bounded) until responses stop arriving, so one phase's trailing pushes do not count in the next. */
  private void awaitQuiet(ProxyFleet fleet) {
    long end = System.nanoTime() + options.quietLimit().toNanos();
    long last = total(fleet);
    long lastChange = System.nanoTime();
    while (System.nanoTime() < end) {
      LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
      long now = total(fleet);
      if (now != last) {
        last = now;
        lastChange = System.nanoTime();
      } else if (System.nanoTime() - lastChange >= QUIET.toNanos()) {
        return;
      }
    }
  }

  private static long total(ProxyFleet fleet) {
    return fleet.counters().snapshot().responses().values().stream().mapToLong(Long::longValue).sum();
  }

  private static Double round(Double v) {
    return v == null ? null : Math.round(v * 1000) / 1000.0;
  }

  private static String brief(ControlPlaneRow r) {
    if (r.status().equals("error")) {
      return "error: " + r.note();
    }
    return String.format(
        "%d/%d proxies, p50 %s ms, p99 %s ms, %s bytes pushed%s",
        r.converged(), r.proxies(), TextTable.num(r.p50Ms(), 1), TextTable.num(r.p99Ms(), 1),
        r.bytes().values().stream().mapToLong(Long::longValue).sum(),
        r.note() == null ? "" : " (" + r.note() + ")");
  }

  private Map<String, String> setup(String loadBefore) {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("loadavg_before", loadBefore);
    s.put("loadavg_after", LoadAverage.read());
    s.put("mesh", options.services() + " services in " + options.namespaces()
        + " namespaces, each a ServiceEntry (STATIC, 2 endpoints, port " + MeshConfig.PORT
        + " HTTP), a DestinationRule (subsets v1, v2) and a VirtualService (all to v1), one file each");
    s.put("proxies", options.proxies() + " simulated sidecars (ADS, Envoy-style subscribe and ACK; on delta, VHDS for route configurations that ask for it),"
        + " Istio node ids and metadata; proxy i is the sidecar of service i mod N (replica v1, then v2), in its"
        + " namespace at its endpoint's address; up to " + ProxyFleet.STREAMS_PER_CHANNEL
        + " streams per gRPC channel");
    s.put("initial", "per proxy: from opening its stream to holding CDS, LDS and every EDS/RDS resource they name"
        + " (delta: and the virtual hosts of every route configuration that asks for VHDS)");
    s.put("vs-change", "one VirtualService switched from subset v1 to v2 (atomic rename); per proxy: from the write to"
        + " receiving routes (a route configuration, or over VHDS the one virtual host) that name outbound|8080|v2|HOST");
    s.put("endpoint-change", "the same service's v1 endpoint moved to a new address; per proxy: from the write to"
        + " receiving endpoints holding the new address");
    s.put("cpu_s", "utime+stime of the control-plane process over the phase, from /proc/PID/stat");
    s.put("harness_cpu_s", "CPU seconds of the benchmark JVM (the simulated proxies) over the phase");
    s.put("heap_mb", "used heap at the end of the phase, from jcmd GC.heap_info (live and garbage)");
    s.put("warm_up", WARM_UP_PROXIES + " proxies per mode fetch their configuration once before any phase is timed");
    s.put("pinning", "none: the control plane and the simulated proxies share all cores");
    s.put("trellis_launcher", String.valueOf(options.launcher()));
    s.put("deadlines", "initial " + options.initialDeadline().toSeconds() + " s, each change "
        + options.changeDeadline().toSeconds() + " s");
    s.put("modes", "each mode in turn against the same control plane: sotw (StreamAggregatedResources) and delta"
        + " (DeltaAggregatedResources); each mode edits its own service");
    return s;
  }

  /** The stdout table: one line per phase. */
  public static String table(ControlPlaneReport report) {
    TextTable t =
        new TextTable(
            List.of("name", "mode", "phase", "proxies", "converged", "p50 ms", "p99 ms", "max ms", "resources", "MB pushed", "cp cpu s", "client cpu s", "heap MB", "rss MB", "nacks"));
    List<String> notes = new ArrayList<>();
    for (ControlPlaneRow r : report.rows()) {
      if (r.status().equals("error")) {
        t.row(List.of(r.name(), r.mode(), r.phase(), Integer.toString(r.proxies()), "error", "-", "-", "-", "-", "-", "-", "-", "-", "-", "-"));
        String n = r.name() + ": error: " + r.note();
        if (!notes.contains(n)) {
          notes.add(n);
        }
        continue;
      }
      t.row(
          List.of(
              r.name(),
              r.mode(),
              r.phase(),
              Integer.toString(r.proxies()),
              Integer.toString(r.converged()),
              TextTable.num(r.p50Ms(), 1),
              TextTable.num(r.p99Ms(), 1),
              TextTable.num(r.maxMs(), 1),
              Long.toString(r.resources().values().stream().mapToLong(Long::longValue).sum()),
              TextTable.num(r.bytes().values().stream().mapToLong(Long::longValue).sum() / 1048576.0, 1),
              TextTable.num(r.cpuSeconds(), 2),
              TextTable.num(r.harnessCpuSeconds(), 2),
              TextTable.num(r.heapMb(), 0),
              TextTable.num(r.rssMb(), 0),
              Integer.toString(r.nacks())));
      if (r.note() != null) {
        notes.add(r.name() + " " + r.mode() + " " + r.phase() + ": " + r.note());
      }
    }
    StringBuilder sb = new StringBuilder();
    sb.append("bench control-plane, ").append(report.startedAt()).append(report.quick() ? " (quick)" : "").append('\n');
    sb.append(report.machine().describe()).append('\n');
    sb.append(report.setup().get("mesh")).append("\n\n");
    sb.append(t.render());
    if (report.startToXdsPortMs() != null) {
      sb.append(String.format("%ncontrol plane start to xDS port open: %.0f ms%n", report.startToXdsPortMs()));
    }
    if (!notes.isEmpty()) {
      sb.append('\n');
      notes.forEach(n -> sb.append("note: ").append(n).append('\n'));
    }
    return sb.toString();
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a leftover temp directory is harmless
    }
  }
}
