package io.trellis.bench.proxy;

import io.trellis.bench.load.H2load;
import io.trellis.bench.load.LoadResult;
import io.trellis.bench.load.ToolOutputException;
import io.trellis.bench.load.Wrk;
import io.trellis.bench.peer.BackendPorts;
import io.trellis.bench.peer.DirectTarget;
import io.trellis.bench.peer.HaproxyTarget;
import io.trellis.bench.peer.HttpProbe;
import io.trellis.bench.peer.NginxBackend;
import io.trellis.bench.peer.NginxTarget;
import io.trellis.bench.peer.Paths;
import io.trellis.bench.peer.Target;
import io.trellis.bench.peer.TargetUnavailableException;
import io.trellis.bench.peer.TrellisMtlsTarget;
import io.trellis.bench.peer.TrellisTarget;
import io.trellis.bench.process.CommandRun;
import io.trellis.bench.process.Placement;
import io.trellis.bench.process.CoreUsage;
import io.trellis.bench.process.LoadAverage;
import io.trellis.bench.process.ProcStat;
import io.trellis.bench.process.ResourceSampler;
import io.trellis.bench.report.Machine;
import io.trellis.bench.report.ResultFile;
import io.trellis.bench.report.TextTable;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Runs {@code bench proxy}: starts the origin, then for each target starts it, times its first
 * proxied 200, warms it up and runs every {@link ProxyLoad} through it, sampling the proxy's CPU
 * and memory from /proc while each load runs. A target that cannot start gets an error row per
 * load with the reason; no figure is ever filled in for it.
 */
public final class ProxyBenchmark {

  /** Below this share of its core during a max-throughput load, the proxy was not the bottleneck. */
  static final double SATURATED_PERCENT = 90.0;

  private static final Duration FIRST_200_DEADLINE = Duration.ofSeconds(120);
  private static final int WRK_CONNECTIONS = 64;

  private final ProxyBenchOptions options;
  private final PrintStream progress;
  private final Clock clock;
  private final ProcStat proc = new ProcStat();

  public ProxyBenchmark(ProxyBenchOptions options, PrintStream progress, Clock clock) {
    this.options = options;
    this.progress = progress;
    this.clock = clock;
  }

  /** The report and the file it was written to. */
  public record Outcome(ProxyReport report, Path file, String table) {}

  public Outcome run() throws IOException, TargetUnavailableException {
    Instant started = clock.instant();
    String loadBefore = LoadAverage.read();
    Path workDir = Files.createTempDirectory("trellis-bench-proxy-");
    List<ProxyRow> rows = new ArrayList<>();
    List<TargetSummary> summaries = new ArrayList<>();
    try {
      Path body = workDir.resolve("post-1mb.bin");
      Files.write(body, new byte[Paths.ONE_MB_BYTES]);
      progress.println("bench proxy: starting the nginx origin on CPU " + options.loadCpus());
      try (NginxBackend backend = NginxBackend.start(workDir, options.loadPlacement())) {
        for (String name : options.targets()) {
          Target target = target(name);
          runTarget(target, workDir, backend.ports(), body, rows, summaries);
        }
      }
    } finally {
      deleteTree(workDir);
    }
    ProxyReport report =
        new ProxyReport("proxy", started.toString(), options.quick(), Machine.current(), setup(loadBefore), summaries, rows);
    Path file = ResultFile.write(options.outDir(), "proxy", started, report);
    return new Outcome(report, file, table(report));
  }

  private Target target(String name) {
    return switch (name) {
      case "direct" -> new DirectTarget();
      case "trellis" -> new TrellisTarget(options.launcher());
      case "trellis-mtls" -> new TrellisMtlsTarget(options.launcher());
      case "nginx" -> new NginxTarget();
      case "haproxy" -> new HaproxyTarget();
      default -> throw new IllegalArgumentException("unknown target " + name);
    };
  }

  private void runTarget(
      Target target, Path workDir, BackendPorts backend, Path body, List<ProxyRow> rows, List<TargetSummary> summaries) {
    String name = target.name();
    progress.println("bench proxy: " + name + ": starting" + (name.equals("direct") ? "" : " on CPU " + options.proxyCpus()));
    Target.Running running;
    Double firstMs;
    Double idleRss;
    long t0;
    try {
      target.prepare();
      t0 = System.nanoTime();
      running = target.start(workDir, backend, options.proxyPlacement());
    } catch (TargetUnavailableException | IOException e) {
      fail(name, e.getMessage(), rows, summaries);
      return;
    }
    try (running) {
      HttpProbe.awaitOk(running.http1Port(), Paths.EMPTY, FIRST_200_DEADLINE, running.process());
      firstMs = running.process() == null ? null : (System.nanoTime() - t0) / 1e6;
      for (String path : List.of(Paths.ONE_KB, Paths.ONE_MB)) {
        int status = HttpProbe.status(running.http1Port(), path);
        if (status != 200) {
          throw new TargetUnavailableException("GET " + path + " through " + name + " answered " + status);
        }
      }
      idleRss = running.process() == null ? null : rssMib(running);
      warmUp(name, running, workDir, body);
      double maxRss = idleRss == null ? 0 : idleRss;
      for (ProxyLoad load : ProxyLoad.values()) {
        ProxyRow row = runLoad(name, load, running, workDir, body);
        progress.println("bench proxy: " + name + ": " + load.label() + ": " + brief(row));
        rows.add(row);
        if (row.rssMb() != null) {
          maxRss = Math.max(maxRss, row.rssMb());
        }
      }
      summaries.add(new TargetSummary(name, "ok", null, firstMs, idleRss, idleRss == null ? null : maxRss));
    } catch (TargetUnavailableException | IOException e) {
      fail(name, e.getMessage(), rows, summaries);
    }
  }

  /**
   * Runs each protocol path the loads use (HTTP/1.1, h2c, the 1 MiB upload) unmeasured for the
   * warm-up time. A JIT-compiled proxy pinned to one core otherwise spends the first seconds of a
   * path compiling it on the very core it serves from, so a short load of a path it has not run yet
   * (h2c after HTTP/1.1) measures the compiler, not the proxy. The same for every target.
   *
   * <p>A path whose warm-up completes no request (a cold sidecar pair on one core can take longer
   * than a quick run's 1 s warm-up for its first responses) is reported and not held against the
   * target: warm-up is not measured, and the measured load on that path shows whether it works.
   */
  private void warmUp(String name, Target.Running running, Path workDir, Path body) throws IOException {
    Duration w = options.warmup();
    progress.println("bench proxy: " + name + ": warm-up " + w.toSeconds() + " s per protocol path (h1, h2c, 1 MiB upload)");
    H2load h2load = new H2load(options.loadPlacement(), workDir);
    warmUpPath(name, "h1", () -> new Wrk(options.loadPlacement()).run(url(running.http1Port(), Paths.ONE_KB), 1, WRK_CONNECTIONS, w));
    if (running.h2cPort() > 0) {
      warmUpPath(name, "h2c", () -> h2load.http2(url(running.h2cPort(), Paths.ONE_KB), 1, 100, w));
    }
    warmUpPath(name, "1 MiB upload", () -> h2load.post(url(running.http1Port(), Paths.ONE_MB), body, 4, w));
  }

  private interface WarmUpLoad {
    LoadResult run() throws IOException, ToolOutputException;
  }

  private void warmUpPath(String name, String path, WarmUpLoad load) throws IOException {
    try {
      load.run();
    } catch (ToolOutputException e) {
      progress.println("bench proxy: " + name + ": warm-up of " + path + " gave no result (not measured; the load on"
          + " that path will tell): " + e.getMessage());
    }
  }

  private void fail(String name, String reason, List<ProxyRow> rows, List<TargetSummary> summaries) {
    progress.println("bench proxy: " + name + ": not measured: " + reason);
    rows.removeIf(r -> r.name().equals(name));
    for (ProxyLoad load : ProxyLoad.values()) {
      rows.add(ProxyRow.failed(name, load.label(), reason));
    }
    summaries.add(new TargetSummary(name, "error", reason, null, null, null));
  }

  private ProxyRow runLoad(String name, ProxyLoad load, Target.Running running, Path workDir, Path body) {
    if (load == ProxyLoad.H2C_100_STREAMS && running.h2cPort() <= 0) {
      return ProxyRow.notApplicable(name, load.label(), name + " takes no h2c from clients");
    }
    Duration d = options.loadDuration();
    CoreUsage proxyCores = new CoreUsage(Path.of("/proc/stat"), CoreUsage.parseList(options.proxyCpus()));
    CoreUsage.Ticks coresBefore = proxyCores.read();
    ResourceSampler sampler =
        running.process() == null ? null : new ResourceSampler(proc, pids(running), System::nanoTime).start();
    LoadResult result;
    try {
      H2load h2load = new H2load(options.loadPlacement(), workDir);
      result =
          switch (load) {
            case MAX_H1_0B, MAX_H1_1KB ->
                new Wrk(options.loadPlacement()).run(url(running.http1Port(), load.path()), 1, WRK_CONNECTIONS, d);
            case RATE_1000 -> h2load.fixedRate(url(running.http1Port(), load.path()), 1000, 10, d);
            case RATE_5000 -> h2load.fixedRate(url(running.http1Port(), load.path()), 5000, 50, d);
            case H2C_100_STREAMS -> h2load.http2(url(running.h2cPort(), load.path()), 1, 100, d);
            case POST_1MB -> h2load.post(url(running.http1Port(), load.path()), body, 4, d);
          };
    } catch (IOException | ToolOutputException e) {
      return ProxyRow.failed(name, load.label(), e.getMessage());
    } finally {
      if (sampler != null) {
        sampler.close();
      }
    }
    ResourceSampler.Usage usage = sampler == null ? null : sampler.stop();
    double coreBusy = proxyCores.read().busyPercentSince(coresBefore) * CoreUsage.parseList(options.proxyCpus()).size();
    List<String> notes = new ArrayList<>();
    if (running.processes().size() > 1) {
      notes.add(
          "proxy cpu, cpu s/1k and rss are sums over " + running.processes().size() + " proxies ("
              + String.join(" + ", running.processes().stream().map(p -> p.name()).toList()) + ") on CPU "
              + options.proxyCpus());
    }
    Double cpuPct = null;
    Double cpuPer1k = null;
    Double rss = null;
    if (usage != null) {
      cpuPct = round(usage.cpuPercent(), 1);
      cpuPer1k = result.requests() == 0 ? null : round(usage.cpuSeconds() / (result.requests() / 1000.0), 5);
      rss = round(usage.maxRssMib(), 1);
      if (load.maxThroughput() && usage.cpuPercent() < SATURATED_PERCENT) {
        if (coreBusy - usage.cpuPercent() > 100 - SATURATED_PERCENT) {
          notes.add(
              String.format(
                  "proxy used %.0f%% of CPU %s while the CPU was %.0f%% busy: other processes on the machine took"
                      + " the rest, so this run measured contention, not the proxy (rerun on a quiet machine)",
                  usage.cpuPercent(), options.proxyCpus(), coreBusy));
        } else {
          notes.add(
              String.format(
                  "proxy core at %.0f%% (< %.0f%%): the proxy was not the bottleneck; this run measured the load"
                      + " generator and origin on CPU %s",
                  usage.cpuPercent(), SATURATED_PERCENT, options.loadCpus()));
        }
      }
    }
    int target = load == ProxyLoad.RATE_1000 ? 1000 : load == ProxyLoad.RATE_5000 ? 5000 : 0;
    if (target > 0 && result.rps() < 0.97 * target) {
      notes.add(
          String.format(
              "achieved %.0f rps of %d: requests queued behind slow ones, so latency is understated (coordinated omission)",
              result.rps(), target));
    }
    return new ProxyRow(
        name,
        load.label(),
        "ok",
        round(result.rps(), 1),
        result.requests(),
        round(result.latency().p50Ms(), 3),
        round(result.latency().p90Ms(), 3),
        round(result.latency().p99Ms(), 3),
        round(result.latency().p999Ms(), 3),
        cpuPer1k,
        rss,
        result.errors(),
        cpuPct,
        round(coreBusy, 1),
        notes.isEmpty() ? null : String.join("; ", notes));
  }

  private static List<Long> pids(Target.Running running) {
    return running.processes().stream().map(p -> p.pid()).toList();
  }

  /** RSS of all the target's processes together (one proxy, or both of a sidecar pair). */
  private double rssMib(Target.Running running) {
    double sum = 0;
    for (long pid : pids(running)) {
      sum += proc.rssMib(pid);
    }
    return sum;
  }

  private static URI url(int port, String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  private static Double round(Double v, int places) {
    if (v == null) {
      return null;
    }
    double scale = Math.pow(10, places);
    return Math.round(v * scale) / scale;
  }

  private static String brief(ProxyRow row) {
    if (!row.status().equals("ok")) {
      return row.status() + ": " + row.note();
    }
    return String.format(
        "%.0f rps, p99 %s ms, errors %d%s%s",
        row.rps(),
        TextTable.num(row.p99Ms(), 3),
        row.errors(),
        row.proxyCpuPercent() == null ? "" : ", proxy CPU " + row.proxyCpuPercent() + "%",
        row.note() == null ? "" : " (" + row.note() + ")");
  }

  private Map<String, String> setup(String loadBefore) {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("loadavg_before", loadBefore);
    s.put("loadavg_after", LoadAverage.read());
    s.put("pinning", "proxy on CPU " + options.proxyCpus() + "; load generator and nginx origin on CPU " + options.loadCpus()
        + (options.nice() == 0 ? "" : "; every benchmark process at nice " + options.nice()));
    s.put("origin", "nginx, 1 worker, access_log off: /0 and /1k answered from memory (return 200), /1m a static file");
    s.put("load_duration_s", Long.toString(options.loadDuration().toSeconds()));
    s.put("warmup_s", Long.toString(options.warmup().toSeconds())
        + " per protocol path and target (wrk 64 connections /1k; h2load h2c 100 streams /1k; h2load 4 x 1 MiB POST)");
    s.put("max-h1", "wrk -t1 -c64 --latency, no Lua script; closed loop; wrk reports no p99.9");
    s.put(
        "rate",
        "h2load --h1 --rps (per connection) -c10 for 1000 rps, -c50 for 5000 rps; percentiles exact from --log-file."
            + " h2load times each request from when it is sent, not from when it was due, so coordinated omission is"
            + " only bounded: each connection sends 100 rps (one request per 10 ms), and a row whose achieved rate falls"
            + " below 97% of the target is flagged");
    s.put("h2c", "h2load -c1 -m100 (prior knowledge h2c); closed loop");
    s.put("post-1mb", "h2load --h1 -c4 -d <1 MiB file> to /1m, which answers 1 MiB; closed loop");
    s.put("proxy_cpu_pct", "utime+stime of the proxy process tree from /proc/PID/stat over the load's wall time"
        + " (trellis-mtls: summed over both proxies of the pair)");
    s.put("proxy_core_busy_pct", "how busy the proxy's CPU was, any process, from /proc/stat over the same interval");
    s.put("rss_mb", "largest sum of VmRSS over the proxy process tree, sampled every 100 ms during the load"
        + " (trellis-mtls: the sum over both proxies' trees at each sample)");
    if (options.targets().contains("trellis-mtls")) {
      s.put("trellis-mtls", "load -> Trellis proxy A (plain h1/h2c listener) -> mutual TLS, HTTP/2 by ALPN h2,"
          + " EC P-256 certificates made per run by openssl -> Trellis proxy B (requires a client certificate from the"
          + " run's CA) -> origin; both proxies started by the launcher, both on CPU " + options.proxyCpus());
    }
    s.put("tools", toolVersions());
    s.put("trellis_launcher", String.valueOf(options.launcher()));
    s.put("trellis_java_opts", String.valueOf(System.getenv().getOrDefault("TRELLIS_JAVA_OPTS", "")));
    return s;
  }

  private static String toolVersions() {
    List<String> out = new ArrayList<>();
    for (List<String> cmd :
        List.of(List.of("nginx", "-v"), List.of("haproxy", "-v"), List.of("wrk", "-v"), List.of("h2load", "--version"))) {
      try {
        String first = CommandRun.run(cmd, Placement.NONE, Duration.ofSeconds(10)).output().lines().findFirst().orElse("?");
        out.add(first.strip());
      } catch (IOException e) {
        out.add(cmd.getFirst() + ": " + e.getMessage());
      }
    }
    return String.join("; ", out);
  }

  /** The stdout table: one line per (target, load). */
  public static String table(ProxyReport report) {
    TextTable t =
        new TextTable(
            List.of("name", "load", "rps", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "cpu s/1k", "rss MB", "proxy cpu", "core busy", "errors"));
    List<String> notes = new ArrayList<>();
    for (ProxyRow r : report.rows()) {
      if (!r.status().equals("ok")) {
        t.row(List.of(r.name(), r.load(), r.status(), "-", "-", "-", "-", "-", "-", "-", "-", "-"));
        String n = r.name() + ": " + r.status() + ": " + r.note();
        if (!notes.contains(n)) {
          notes.add(n);
        }
        continue;
      }
      t.row(
          List.of(
              r.name(),
              r.load(),
              TextTable.num(r.rps(), 0),
              TextTable.num(r.p50Ms(), 3),
              TextTable.num(r.p90Ms(), 3),
              TextTable.num(r.p99Ms(), 3),
              TextTable.num(r.p999Ms(), 3),
              TextTable.num(r.cpuSecondsPer1k(), 4),
              TextTable.num(r.rssMb(), 1),
              r.proxyCpuPercent() == null ? "-" : TextTable.num(r.proxyCpuPercent(), 0) + "%",
              r.proxyCoreBusyPercent() == null ? "-" : TextTable.num(r.proxyCoreBusyPercent(), 0) + "%",
              Long.toString(r.errors())));
      if (r.note() != null) {
        notes.add(r.name() + " " + r.load() + ": " + r.note());
      }
    }
    StringBuilder sb = new StringBuilder();
    sb.append("bench proxy, ").append(report.startedAt()).append(report.quick() ? " (quick)" : "").append('\n');
    sb.append(report.machine().describe()).append('\n');
    sb.append(report.setup().get("pinning")).append("\n\n");
    sb.append(t.render());
    TextTable targets = new TextTable(List.of("name", "status", "start to first 200 ms", "rss idle MB", "rss load MB"));
    for (TargetSummary s : report.targets()) {
      targets.row(
          List.of(
              s.name(),
              s.status(),
              TextTable.num(s.startToFirst200Ms(), 0),
              TextTable.num(s.rssIdleMb(), 1),
              TextTable.num(s.rssLoadMb(), 1)));
    }
    sb.append('\n').append(targets.render());
    String before = report.setup().getOrDefault("loadavg_before", "unknown");
    if (!before.equals("unknown") && Double.parseDouble(before.split(" ")[0]) > 0.5) {
      notes.add(
          "the machine was busy before the run (load average " + before
              + "): other processes competed for the cores, so every figure is noisy");
    }
    if (!notes.isEmpty()) {
      sb.append('\n');
      notes.forEach(n -> sb.append("note: ").append(n).append('\n'));
    }
    return sb.toString();
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a leftover temp directory is harmless; the run's result matters more
    }
  }
}
