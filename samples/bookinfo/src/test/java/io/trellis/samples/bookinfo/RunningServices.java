package io.trellis.samples.bookinfo;

import io.trellis.samples.bookinfo.web.Environment;
import io.trellis.samples.bookinfo.web.ServiceHost;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Bookinfo services started in this JVM on 127.0.0.1, each on a free port of its own, through
 * the same entry point {@code java -jar} uses; closing stops them all.
 */
final class RunningServices implements AutoCloseable {
  private final Deque<AutoCloseable> started = new ArrayDeque<>();

  /**
   * Starts {@code commandLine} (e.g. {@code "reviews --version v2"}) with {@code env} plus
   * {@code POD_IP=127.0.0.1}, on port 0.
   */
  ServiceHost start(String commandLine, Map<String, String> env) throws IOException {
    Map<String, String> variables = new HashMap<>(env);
    variables.putIfAbsent("POD_IP", "127.0.0.1");
    String[] args = (commandLine + " --port 0").split(" ");
    return track(Bookinfo.start(LaunchOptions.parse(args), new Environment(variables), System.out));
  }

  /** Stops {@code resource} along with the services. */
  <T extends AutoCloseable> T track(T resource) {
    started.push(resource);
    return resource;
  }

  /** Environment entries pointing a caller's {@code service} at a host on 127.0.0.1. */
  static Map<String, String> pointAt(String service, ServiceHost host) {
    return pointAt(service, host.port());
  }

  static Map<String, String> pointAt(String service, int port) {
    String prefix = service.toUpperCase(java.util.Locale.ROOT);
    return Map.of(prefix + "_HOSTNAME", "127.0.0.1", prefix + "_SERVICE_PORT", Integer.toString(port));
  }

  @Override
  public void close() {
    RuntimeException first = null;
    while (!started.isEmpty()) {
      try {
        started.pop().close();
      } catch (Exception failed) {
        if (first == null) {
          first = new IllegalStateException("could not stop a test service", failed);
        } else {
          first.addSuppressed(failed);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
