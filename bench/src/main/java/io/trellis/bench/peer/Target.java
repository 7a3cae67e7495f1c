package io.trellis.bench.peer;

import io.trellis.bench.process.Placement;

import java.io.IOException;
import java.nio.file.Path;

/** Something the load goes through to reach the origin: nothing at all, or a proxy. */
public interface Target {

  /** The row name in the report: direct, trellis, nginx, haproxy. */
  String name();

  /**
   * Starts the target (if it is a process) in front of {@code backend}, placed by {@code placement}.
   * Returns as soon as the process is started; the caller waits for its first 200, to time it.
   */
  Running start(Path workDir, BackendPorts backend, Placement placement)
      throws IOException, TargetUnavailableException;

  /**
   * A started target: its process (null when there is none, for {@code direct}) and the ports
   * where it takes HTTP/1.1 and h2c.
   */
  record Running(io.trellis.bench.process.BenchProcess process, int http1Port, int h2cPort)
      implements AutoCloseable {
    @Override
    public void close() {
      if (process != null) {
        process.close();
      }
    }
  }
}
