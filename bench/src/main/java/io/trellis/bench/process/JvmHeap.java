package io.trellis.bench.process;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A running JVM's used heap, from {@code jcmd PID GC.heap_info}: the sum of "used" over the heap's
 * generations (DefNew + Tenured for the serial collector, one line for G1), live objects and
 * not-yet-collected garbage alike.
 */
public final class JvmHeap {

  private static final Pattern GENERATION =
      Pattern.compile("(?m)^(?!\\s)(?!Metaspace)(?!class space)(\\S.*?)\\s+total\\b.*?used (\\d+)K");

  private JvmHeap() {}

  public static OptionalDouble usedMib(long pid) {
    try {
      CommandRun.Result r =
          CommandRun.run(List.of("jcmd", Long.toString(pid), "GC.heap_info"), Placement.NONE, Duration.ofSeconds(30));
      return r.ok() ? parseUsedMib(r.output()) : OptionalDouble.empty();
    } catch (IOException e) {
      return OptionalDouble.empty();
    }
  }

  static OptionalDouble parseUsedMib(String heapInfo) {
    Matcher m = GENERATION.matcher(heapInfo);
    long kib = 0;
    boolean any = false;
    while (m.find()) {
      kib += Long.parseLong(m.group(2));
      any = true;
    }
    return any ? OptionalDouble.of(kib / 1024.0) : OptionalDouble.empty();
  }
}
