package io.trellis.bench.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** /proc/loadavg's 1, 5 and 15 minute figures: other work on the machine makes every figure noisy. */
public final class LoadAverage {

  private LoadAverage() {}

  /** "1m 5m 15m", or "unknown" where /proc/loadavg cannot be read. */
  public static String read() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).strip().split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }
}
