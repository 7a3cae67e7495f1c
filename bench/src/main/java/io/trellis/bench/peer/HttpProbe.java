package io.trellis.bench.peer;

import io.trellis.bench.process.BenchProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * Waits for the first 200 through a freshly started server: the moment a target is ready, and the
 * end point of "time from process start to first proxied request". A raw HTTP/1.1 request on a new
 * connection each try, so no client-side pooling or caching can answer it.
 */
public final class HttpProbe {

  private static final Duration RETRY = Duration.ofMillis(5);

  private HttpProbe() {}

  /**
   * Polls {@code GET path} on 127.0.0.1:{@code port} until it answers 200.
   *
   * @throws TargetUnavailableException when {@code server} exits first or the deadline passes
   */
  public static void awaitOk(int port, String path, Duration deadline, BenchProcess server)
      throws TargetUnavailableException {
    long end = System.nanoTime() + deadline.toNanos();
    String last = "no answer";
    while (System.nanoTime() < end) {
      if (server != null && !server.isAlive()) {
        throw new TargetUnavailableException(
            server.name() + " exited before serving " + path + "; its output ends with:\n" + server.logTail(8));
      }
      try {
        int status = status(port, path);
        if (status == 200) {
          return;
        }
        last = "status " + status;
      } catch (IOException notYet) {
        last = notYet.getMessage();
      }
      LockSupport.parkNanos(RETRY.toNanos());
    }
    throw new TargetUnavailableException(
        "no 200 from 127.0.0.1:" + port + path + " within " + deadline.toSeconds() + " s (last: " + last + ")"
            + (server == null ? "" : "; " + server.name() + " output ends with:\n" + server.logTail(8)));
  }

  /** One GET on a new connection; the status code of the response. */
  public static int status(int port, String path) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
      s.setSoTimeout(2000);
      OutputStream out = s.getOutputStream();
      out.write(
          ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      StringBuilder line = new StringBuilder();
      int c;
      while ((c = in.read()) != -1 && c != '\n') {
        line.append((char) c);
      }
      String[] parts = line.toString().split(" ");
      if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
        throw new IOException("not an HTTP response: '" + line.toString().strip() + "'");
      }
      return Integer.parseInt(parts[1]);
    }
  }
}
