package io.trellis.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Loopback ports for the processes a test starts, each handed to one user only. */
public final class FreePorts {
  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  private FreePorts() {}

  /**
   * A loopback port free now and not handed out before by this JVM. The kernel may give the same
   * ephemeral port to two binds in a row once the first socket is closed, and two processes of one
   * test must not be told the same port (a control plane's xDS port once came back as a service's
   * port, whose outbound listener then could not bind).
   */
  public static int pick() throws IOException {
    while (true) {
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        if (HANDED_OUT.add(s.getLocalPort())) {
          return s.getLocalPort();
        }
      }
    }
  }
}
