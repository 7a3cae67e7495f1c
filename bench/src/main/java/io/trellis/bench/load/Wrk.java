package io.trellis.bench.load;

import io.trellis.bench.process.CommandRun;
import io.trellis.bench.process.Placement;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * wrk as the maximum-throughput generator: closed loop, HTTP/1.1 keep-alive, no Lua script (a
 * script would make wrk itself the bottleneck sooner).
 */
public final class Wrk {

  private final Placement placement;

  /** @param placement where the generator runs */
  public Wrk(Placement placement) {
    this.placement = placement;
  }

  public LoadResult run(URI url, int threads, int connections, Duration duration)
      throws IOException, ToolOutputException {
    List<String> cmd =
        List.of(
            "wrk",
            "-t" + threads,
            "-c" + connections,
            "-d" + duration.toSeconds() + "s",
            "--timeout",
            "5s",
            "--latency",
            url.toString());
    CommandRun.Result r = CommandRun.run(cmd, placement, duration.plusSeconds(20));
    if (!r.ok()) {
      throw new ToolOutputException("wrk exited with " + r.exitCode() + ": " + r.tail(3));
    }
    return WrkOutputParser.parse(r.output());
  }
}
