package io.trellis.bench.load;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads h2load's summary. h2load prints no percentiles: they come from its per-request log (see
 * {@link H2loadRequestLog}). Errors are h2load's "failed" count: requests in the measured window
 * answered with neither 2xx nor 3xx, plus those whose stream or connection broke (the status
 * counts cannot be used: h2load counts statuses outside the measured window too).
 */
public final class H2loadOutputParser {

  /** The summary: rate, counts and the negotiated application protocol. */
  public record Summary(double rps, long total, long done, long failed, String protocol) {
    /** h2load's "failed": responses that were not 2xx or 3xx, plus streams that broke. */
    public long errors() {
      return failed;
    }
  }

  private static final Pattern FINISHED =
      Pattern.compile("finished in ([\\d.]+)(us|ms|s|m), ([\\d.]+) req/s");
  private static final Pattern REQUESTS =
      Pattern.compile(
          "requests: (\\d+) total, (\\d+) started, (\\d+) done, (\\d+) succeeded, (\\d+) failed, (\\d+) errored, (\\d+) timeout");
  private static final Pattern STATUS = Pattern.compile("status codes: (\\d+) 2xx, (\\d+) 3xx, (\\d+) 4xx, (\\d+) 5xx");
  private static final Pattern PROTOCOL = Pattern.compile("Application protocol: (\\S+)");

  private H2loadOutputParser() {}

  public static Summary parse(String output) throws ToolOutputException {
    Matcher finished = FINISHED.matcher(output);
    Matcher requests = REQUESTS.matcher(output);
    Matcher status = STATUS.matcher(output);
    if (!finished.find() || !requests.find() || !status.find()) {
      throw new ToolOutputException("h2load printed no result: " + WrkOutputParser.firstLine(output));
    }
    Matcher protocol = PROTOCOL.matcher(output);
    long done = Long.parseLong(requests.group(3));
    if (done == 0) {
      throw new ToolOutputException(
          "h2load completed no request"
              + (protocol.find() ? "" : " (no connection was established)")
              + ": "
              + lastLines(output));
    }
    return new Summary(
        Double.parseDouble(finished.group(3)),
        Long.parseLong(requests.group(1)),
        done,
        Long.parseLong(requests.group(5)),
        protocol.find(0) ? protocol.group(1) : "unknown");
  }

  private static String lastLines(String output) {
    return output.lines().filter(l -> l.contains("error") || l.contains("refused") || l.contains("failed"))
        .findFirst().orElse("see the tool's output").strip();
  }
}
