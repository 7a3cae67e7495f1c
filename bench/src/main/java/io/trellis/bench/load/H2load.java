package io.trellis.bench.load;

import io.trellis.bench.process.CommandRun;
import io.trellis.bench.process.Placement;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * h2load for the loads wrk cannot make: fixed request rates, HTTP/2 with many streams on one
 * connection, and large POST bodies. Latency percentiles come from its per-request log.
 */
public final class H2load {

  private final Placement placement;
  private final Path workDir;

  /**
   * @param placement where the generator runs
   * @param workDir where per-request logs are written
   */
  public H2load(Placement placement, Path workDir) {
    this.placement = placement;
    this.workDir = workDir;
  }

  /**
   * Open-loop-ish fixed rate over HTTP/1.1: {@code clients} connections, each sending {@code
   * totalRps / clients} requests per second on h2load's timer. h2load times a request from the
   * moment it is sent, so a request delayed behind a slow response on its connection would hide
   * that delay (coordinated omission); the caller keeps the per-connection rate low enough that
   * each connection is idle most of the time, and checks that the achieved rate met the target.
   */
  public LoadResult fixedRate(URI url, int totalRps, int clients, Duration duration)
      throws IOException, ToolOutputException {
    if (totalRps % clients != 0) {
      throw new IllegalArgumentException("rps " + totalRps + " is not a multiple of clients " + clients);
    }
    return run(
        List.of("--h1", "-t1", "-c" + clients, "--rps=" + (totalRps / clients)),
        url,
        duration,
        "http/1.1");
  }

  /** Closed loop over h2c (prior knowledge) with {@code streams} concurrent streams per connection. */
  public LoadResult http2(URI url, int clients, int streams, Duration duration)
      throws IOException, ToolOutputException {
    return run(List.of("-t1", "-c" + clients, "-m" + streams), url, duration, "h2c");
  }

  /** Closed loop over HTTP/1.1, each request POSTing {@code body}. */
  public LoadResult post(URI url, Path body, int clients, Duration duration)
      throws IOException, ToolOutputException {
    return run(List.of("--h1", "-t1", "-c" + clients, "-d", body.toString()), url, duration, "http/1.1");
  }

  private LoadResult run(List<String> options, URI url, Duration duration, String expectedProtocol)
      throws IOException, ToolOutputException {
    Path log = Files.createTempFile(workDir, "h2load-", ".log");
    try {
      List<String> cmd = new ArrayList<>();
      cmd.add("h2load");
      cmd.addAll(options);
      cmd.addAll(List.of("-D", Long.toString(duration.toSeconds()), "--log-file=" + log, url.toString()));
      CommandRun.Result r = CommandRun.run(cmd, placement, duration.plusSeconds(30));
      if (!r.ok()) {
        throw new ToolOutputException("h2load exited with " + r.exitCode() + ": " + r.tail(3));
      }
      H2loadOutputParser.Summary s = H2loadOutputParser.parse(r.output());
      if (!s.protocol().equals(expectedProtocol)) {
        throw new ToolOutputException(
            "h2load negotiated " + s.protocol() + ", expected " + expectedProtocol + " with " + url);
      }
      Latency latency = Latency.ofMicros(H2loadRequestLog.durationsMicros(log));
      return new LoadResult(s.rps(), s.done(), s.errors(), latency);
    } finally {
      Files.deleteIfExists(log);
    }
  }
}
