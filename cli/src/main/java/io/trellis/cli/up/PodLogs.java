package io.trellis.cli.up;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Finds and prints the log files {@code trellis up} keeps per pod: {@code POD.log} and {@code POD.sidecar.log}. */
public final class PodLogs {
  private final Path dir;
  private final java.util.Set<String> running;

  /**
   * @param dir the log directory
   * @param running the pods running now; a prefix that also matches pods a rollout replaced means
   *     the running one
   */
  public PodLogs(Path dir, java.util.Set<String> running) {
    this.dir = dir;
    this.running = java.util.Set.copyOf(running);
  }

  /**
   * The log of {@code pod} (exact name, else a unique prefix).
   *
   * @throws IllegalArgumentException when no pod or several match, naming the candidates
   */
  public Path find(String pod, boolean sidecar) throws IOException {
    String suffix = sidecar ? ".sidecar.log" : ".log";
    Path exact = dir.resolve(pod + suffix);
    if (Files.isRegularFile(exact)) {
      return exact;
    }
    List<String> pods;
    try (Stream<Path> list = Files.isDirectory(dir) ? Files.list(dir) : Stream.empty()) {
      pods = list.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".log") && !n.endsWith(".sidecar.log"))
          .map(n -> n.substring(0, n.length() - ".log".length()))
          .sorted()
          .toList();
    }
    List<String> matches = pods.stream().filter(n -> n.startsWith(pod)).toList();
    if (matches.size() > 1) {
      List<String> live = matches.stream().filter(running::contains).toList();
      if (live.size() == 1) {
        matches = live;
      }
    }
    if (matches.size() == 1 && Files.isRegularFile(dir.resolve(matches.getFirst() + suffix))) {
      return dir.resolve(matches.getFirst() + suffix);
    }
    if (matches.size() == 1) {
      throw new IllegalArgumentException("pod " + matches.getFirst() + " has no " + (sidecar ? "sidecar " : "") + "log (no sidecar injected?)");
    }
    if (matches.isEmpty()) {
      throw new IllegalArgumentException("no pod named " + pod + " in " + dir + (pods.isEmpty() ? " (is trellis up running with this state directory?)" : " (pods: " + String.join(", ", pods) + ")"));
    }
    throw new IllegalArgumentException(pod + " matches several pods: " + String.join(", ", matches));
  }

  /** Prints {@code file}; with {@code follow}, keeps printing what is appended until interrupted. */
  public void print(Path file, PrintWriter out, boolean follow) throws IOException, InterruptedException {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[8192];
      while (true) {
        int n = in.read(buf);
        if (n > 0) {
          out.print(new String(buf, 0, n, StandardCharsets.UTF_8));
          continue;
        }
        out.flush();
        if (!follow) {
          return;
        }
        Thread.sleep(200); // a follower polls the file as tail -f does
      }
    }
  }
}
