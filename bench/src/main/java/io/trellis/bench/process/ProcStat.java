package io.trellis.bench.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Reads CPU time and resident memory of a process tree from Linux's {@code /proc}. A proxy is
 * often more than one process (nginx's master and worker, a launcher's JVM), so every figure is
 * the sum over the process and all its descendants.
 */
public final class ProcStat {

  /** USER_HZ: the unit of utime/stime in /proc/PID/stat; 100 on every Linux ABI Java runs on. */
  static final long CLOCK_TICKS_PER_SECOND = 100;

  private final Path proc;

  public ProcStat() {
    this(Path.of("/proc"));
  }

  ProcStat(Path proc) {
    this.proc = proc;
  }

  /** The PIDs of {@code pid} and all its live descendants. */
  public List<Long> tree(long pid) {
    List<Long> pids = new ArrayList<>();
    pids.add(pid);
    ProcessHandle.of(pid).ifPresent(h -> h.descendants().forEach(d -> pids.add(d.pid())));
    return pids;
  }

  /** utime + stime of the tree in seconds (children that already exited are not counted). */
  public double cpuSeconds(long pid) {
    long ticks = 0;
    for (long p : tree(pid)) {
      ticks += cpuTicks(p).orElse(0);
    }
    return ticks / (double) CLOCK_TICKS_PER_SECOND;
  }

  /** Sum of VmRSS over the tree, in MiB. */
  public double rssMib(long pid) {
    long kib = 0;
    for (long p : tree(pid)) {
      kib += rssKib(p).orElse(0);
    }
    return kib / 1024.0;
  }

  OptionalLong cpuTicks(long pid) {
    String stat;
    try {
      stat = Files.readString(proc.resolve(Long.toString(pid)).resolve("stat"));
    } catch (NoSuchFileException gone) {
      return OptionalLong.empty();
    } catch (IOException e) {
      return OptionalLong.empty();
    }
    return parseCpuTicks(stat);
  }

  /**
   * The command name (field 2) may hold spaces and parentheses, so fields are counted from the
   * last ')'; utime and stime are fields 14 and 15.
   */
  static OptionalLong parseCpuTicks(String stat) {
    int close = stat.lastIndexOf(')');
    if (close < 0) {
      return OptionalLong.empty();
    }
    String[] f = stat.substring(close + 2).trim().split(" +");
    // f[0] is field 3 (state); utime is field 14 -> f[11], stime field 15 -> f[12]
    if (f.length < 13) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(Long.parseLong(f[11]) + Long.parseLong(f[12]));
  }

  OptionalLong rssKib(long pid) {
    List<String> lines;
    try {
      lines = Files.readAllLines(proc.resolve(Long.toString(pid)).resolve("status"));
    } catch (IOException gone) {
      return OptionalLong.empty();
    }
    return parseRssKib(lines);
  }

  static OptionalLong parseRssKib(List<String> statusLines) {
    for (String line : statusLines) {
      if (line.startsWith("VmRSS:")) {
        String[] f = line.substring(6).trim().split("\\s+");
        return OptionalLong.of(Long.parseLong(f[0]));
      }
    }
    return OptionalLong.empty();
  }
}
