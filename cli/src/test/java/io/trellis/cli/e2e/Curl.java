package io.trellis.cli.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real curl. One run may fetch many URLs (curl's {@code [1-N]} globbing) over one keep-alive
 * connection; each transfer prints one line {@code BODY STATUS} (a failed connection: {@code  000}).
 */
final class Curl {
  private Curl() {}

  record Transfer(String body, int status) {}

  static List<Transfer> get(String url, List<String> headers) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("curl", "-s", "--max-time", "60", "-w", " %{http_code}\\n"));
    for (String h : headers) {
      command.add("-H");
      command.add(h);
    }
    command.add(url);
    Process p = new ProcessBuilder(command).redirectErrorStream(false).start();
    try {
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(70, TimeUnit.SECONDS)) {
        throw new IOException("curl " + url + " did not finish");
      }
      List<Transfer> transfers = new ArrayList<>();
      for (String line : out.split("\n")) {
        if (line.isEmpty()) {
          continue;
        }
        int space = line.lastIndexOf(' ');
        transfers.add(new Transfer(line.substring(0, space), Integer.parseInt(line.substring(space + 1).strip())));
      }
      return transfers;
    } finally {
      if (p.isAlive()) {
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    }
  }
}
