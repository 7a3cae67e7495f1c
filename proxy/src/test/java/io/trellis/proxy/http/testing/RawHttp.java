package io.trellis.proxy.http.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** Raw bytes over a socket, for inputs no well-behaved client would send. */
public final class RawHttp {
  private RawHttp() {}

  /** Sends {@code request} and returns everything read until the server closes (or 10 s pass). */
  public static String exchange(int port, byte[] request) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      s.setSoTimeout(10_000);
      s.getOutputStream().write(request);
      s.getOutputStream().flush();
      return readAll(s.getInputStream());
    }
  }

  public static String exchange(int port, String request) throws IOException {
    return exchange(port, request.getBytes(StandardCharsets.ISO_8859_1));
  }

  static String readAll(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    try {
      int n;
      while ((n = in.read(buf)) >= 0) {
        out.write(buf, 0, n);
      }
    } catch (SocketTimeoutException e) {
      out.write("<timeout: connection still open>".getBytes(StandardCharsets.US_ASCII));
    } catch (IOException e) {
      // connection reset after the response: keep what was read
    }
    return out.toString(StandardCharsets.ISO_8859_1);
  }
}
