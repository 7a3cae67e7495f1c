package io.trellis.bench.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * How busy a set of cores was, from the per-CPU lines of {@code /proc/stat}. Set beside the
 * proxy's own CPU time it tells two failed runs apart: a proxy that idled because the load
 * generator could not feed it, and a proxy that was starved because other processes on the
 * machine took its core.
 */
public final class CoreUsage {

  private final Path procStat;
  private final Set<Integer> cores;

  public CoreUsage(Path procStat, Set<Integer> cores) {
    this.procStat = procStat;
    this.cores = Set.copyOf(cores);
  }

  /** Cores named the way taskset takes them: "0", "0-3", "0,2". */
  public static Set<Integer> parseList(String list) {
    Set<Integer> out = new TreeSet<>();
    for (String part : list.split(",")) {
      String p = part.strip();
      if (p.isEmpty()) {
        continue;
      }
      int dash = p.indexOf('-');
      try {
        if (dash < 0) {
          out.add(Integer.parseInt(p));
        } else {
          int from = Integer.parseInt(p.substring(0, dash));
          int to = Integer.parseInt(p.substring(dash + 1));
          for (int c = from; c <= to; c++) {
            out.add(c);
          }
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("CPU list '" + list + "': '" + p + "' is not a CPU number or range");
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("CPU list '" + list + "' names no CPU");
    }
    return out;
  }

  /** Busy and total jiffies summed over the cores; busy is everything but idle and iowait. */
  public record Ticks(long busy, long total) {
    /** Percent of the interval the cores were busy, averaged over the cores. */
    public double busyPercentSince(Ticks earlier) {
      long t = total - earlier.total;
      return t <= 0 ? 0 : 100.0 * (busy - earlier.busy) / t;
    }
  }

  public Ticks read() {
    try {
      return parse(Files.readAllLines(procStat), cores);
    } catch (IOException e) {
      return new Ticks(0, 0);
    }
  }

  static Ticks parse(List<String> lines, Set<Integer> cores) {
    long busy = 0;
    long total = 0;
    for (String line : lines) {
      if (!line.startsWith("cpu") || line.startsWith("cpu ")) {
        continue;
      }
      String[] f = line.split("\\s+");
      int cpu = Integer.parseInt(f[0].substring(3));
      if (!cores.contains(cpu)) {
        continue;
      }
      long sum = 0;
      // user nice system idle iowait irq softirq steal (guest time is already inside user)
      for (int i = 1; i <= Math.min(8, f.length - 1); i++) {
        sum += Long.parseLong(f[i]);
      }
      long idle = Long.parseLong(f[4]) + (f.length > 5 ? Long.parseLong(f[5]) : 0);
      busy += sum - idle;
      total += sum;
    }
    return new Ticks(busy, total);
  }
}
