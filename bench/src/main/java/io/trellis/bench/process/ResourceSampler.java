package io.trellis.bench.process;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Watches one process tree while a load runs: CPU seconds between {@link #start} and {@link
 * #stop}, the wall time between them, and the largest RSS seen (sampled every 100 ms).
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
  private final long pid;
  private final LongSupplier nanoClock;
  private final ScheduledExecutorService timer;
  private volatile double maxRss;
  private double cpuAtStart;
  private long startNanos;

  public ResourceSampler(ProcStat proc, long pid, LongSupplier nanoClock) {
    this.proc = proc;
    this.pid = pid;
    this.nanoClock = nanoClock;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "rss-sampler-" + pid);
              t.setDaemon(true);
              return t;
            });
  }

  public ResourceSampler start() {
    cpuAtStart = proc.cpuSeconds(pid);
    startNanos = nanoClock.getAsLong();
    maxRss = proc.rssMib(pid);
    timer.scheduleAtFixedRate(this::sampleRss, 100, 100, TimeUnit.MILLISECONDS);
    return this;
  }

  private void sampleRss() {
    double rss = proc.rssMib(pid);
    if (rss > maxRss) {
      maxRss = rss;
    }
  }

  public Usage stop() {
    double cpu = proc.cpuSeconds(pid) - cpuAtStart;
    double wall = (nanoClock.getAsLong() - startNanos) / 1e9;
    timer.shutdownNow();
    sampleRss();
    return new Usage(cpu, wall, maxRss);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
