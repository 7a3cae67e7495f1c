package io.trellis.bench.load;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads wrk 4.x's report (run with {@code --latency}). wrk prints 50/75/90/99th percentiles only,
 * so p99.9 stays empty. Errors are wrk's "Non-2xx or 3xx responses" plus every socket error.
 */
public final class WrkOutputParser {

  private static final Pattern REQUESTS =
      Pattern.compile("(\\d+) requests in ([\\d.]+)(us|ms|s|m|h),");
  private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([\\d.]+)");
  private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");
  private static final Pattern SOCKET_ERRORS =
      Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");

  private WrkOutputParser() {}

  public static LoadResult parse(String output) throws ToolOutputException {
    Matcher rps = RPS.matcher(output);
    Matcher requests = REQUESTS.matcher(output);
    if (!rps.find() || !requests.find()) {
      throw new ToolOutputException("wrk printed no result: " + firstLine(output));
    }
    long errors = 0;
    Matcher non2xx = NON_2XX.matcher(output);
    if (non2xx.find()) {
      errors += Long.parseLong(non2xx.group(1));
    }
    Matcher socket = SOCKET_ERRORS.matcher(output);
    if (socket.find()) {
      for (int g = 1; g <= 4; g++) {
        errors += Long.parseLong(socket.group(g));
      }
    }
    Latency latency =
        new Latency(percentile(output, "50%"), percentile(output, "90%"), percentile(output, "99%"), null);
    return new LoadResult(Double.parseDouble(rps.group(1)), Long.parseLong(requests.group(1)), errors, latency);
  }

  private static Double percentile(String output, String label) {
    Matcher m =
        Pattern.compile("(?m)^\\s+" + Pattern.quote(label) + "\\s+([\\d.]+)(us|ms|s|m)\\s*$").matcher(output);
    return m.find() ? Durations.toMillis(m.group(1), m.group(2)) : null;
  }

  static String firstLine(String output) {
    String s = output.strip();
    int nl = s.indexOf('\n');
    return s.isEmpty() ? "(no output)" : nl < 0 ? s : s.substring(0, nl);
  }
}
