package io.trellis.proxy.http.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/** Runs the real curl and parses what it printed (-i style: status, headers, body). */
public final class Curl {
  /** One response as curl saw it. */
  public record Response(int status, Map<String, List<String>> headers, String body, String stderr) {
    public String header(String name) {
      List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
      return v == null ? null : v.getFirst();
    }
  }

  private Curl() {}

  public static Response run(String... args) {
    List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "-i", "--max-time", "20"));
    cmd.addAll(List.of(args));
    Process p = null;
    try {
      p = new ProcessBuilder(cmd).start();
      byte[] out = p.getInputStream().readAllBytes();
      String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("curl did not finish: " + cmd);
      }
      return parse(new String(out, StandardCharsets.ISO_8859_1), err);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      if (p != null) {
        p.destroyForcibly();
      }
    }
  }

  static Response parse(String raw, String err) {
    // skip informational responses (100 Continue)
    String rest = raw;
    while (true) {
      int end = rest.indexOf("\r\n\r\n");
      if (end < 0) {
        return new Response(0, Map.of(), rest, err);
      }
      String head = rest.substring(0, end);
      String[] lines = head.split("\r\n");
      int status = Integer.parseInt(lines[0].split(" ")[1]);
      String body = rest.substring(end + 4);
      if (status / 100 == 1 && status != 101) {
        rest = body;
        continue;
      }
      Map<String, List<String>> headers = new TreeMap<>();
      for (int i = 1; i < lines.length; i++) {
        int c = lines[i].indexOf(':');
        headers.computeIfAbsent(lines[i].substring(0, c).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
            .add(lines[i].substring(c + 1).trim());
      }
      return new Response(status, headers, body, err);
    }
  }
}
