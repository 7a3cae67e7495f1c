package io.trellis.bench.process;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Watches one or more process trees while a load runs: CPU seconds between {@link #start} and
 * {@link #stop}, the wall time between them, and the largest RSS seen (sampled every 100 ms). With
 * several trees (a sidecar pair) CPU is the sum over all of them and RSS the largest sum seen at one
 * sample, the memory the trees held together.
 */
public final class ResourceSampler implements AutoCloseable {

  /** What the process tree used while the load ran. */
  public record Usage(double cpuSeconds, double wallSeconds, double maxRssMib) {
    /** Share of one core, in percent: 100 means the process kept one core busy all the time. */
    public double cpuPercent() {
      return wallSeconds <= 0 ? 0 : 100.0 * cpuSeconds / wallSeconds;
    }
  }

  private final ProcStat proc;
  private final List<Long> pids;
  private final LongSupplier nanoClock;
  private final ScheduledExecutorService timer;
  private volatile double maxRss;
  private double cpuAtStart;
  private long startNanos;

  public ResourceSampler(ProcStat proc, long pid, LongSupplier nanoClock) {
    this(proc, List.of(pid), nanoClock);
  }

  /** Samples the trees rooted at every one of {@code pids}, summed. */
  public ResourceSampler(ProcStat proc, List<Long> pids, LongSupplier nanoClock) {
    if (pids.isEmpty()) {
      throw new IllegalArgumentException("pids: [] (expected: at least one process to sample)");
    }
    this.proc = proc;
    this.pids = List.copyOf(pids);
    this.nanoClock = nanoClock;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "rss-sampler-" + pids.getFirst());
              t.setDaemon(true);
              return t;
            });
  }

  public ResourceSampler start() {
    cpuAtStart = cpuSeconds();
    startNanos = nanoClock.getAsLong();
    maxRss = rssMib();
    timer.scheduleAtFixedRate(this::sampleRss, 100, 100, TimeUnit.MILLISECONDS);
    return this;
  }

  private void sampleRss() {
    double rss = rssMib();
    if (rss > maxRss) {
      maxRss = rss;
    }
  }

  public Usage stop() {
    double cpu = cpuSeconds() - cpuAtStart;
    double wall = (nanoClock.getAsLong() - startNanos) / 1e9;
    timer.shutdownNow();
    sampleRss();
    return new Usage(cpu, wall, maxRss);
  }

  private double cpuSeconds() {
    double sum = 0;
    for (long pid : pids) {
      sum += proc.cpuSeconds(pid);
    }
    return sum;
  }

  private double rssMib() {
    double sum = 0;
    for (long pid : pids) {
      sum += proc.rssMib(pid);
    }
    return sum;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
