package io.trellis.bench.peer;

import io.trellis.bench.process.BenchProcess;
import io.trellis.bench.process.Placement;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Something the load goes through to reach the origin: nothing at all, or a proxy. */
public interface Target {

  /** The row name in the report: direct, trellis, trellis-mtls, nginx, haproxy. */
  String name();

  /**
   * Whatever must happen before the target can start and is not part of its start-up: for Trellis,
   * asking the launcher whether it has a proxy command (which builds, and records the proxy's AOT cache
   * once per build). Runs before the start is timed. Nothing by default.
   */
  default void prepare() throws IOException, TargetUnavailableException {}

  /**
   * Starts the target (if it is a process) in front of {@code backend}, placed by {@code placement}.
   * Returns as soon as the process is started; the caller waits for its first 200, to time it.
   */
  Running start(Path workDir, BackendPorts backend, Placement placement)
      throws IOException, TargetUnavailableException;

  /**
   * A started target: the process clients connect to ({@code process}, null when there is none, for
   * {@code direct}), the further processes every request also passes through ({@code chained}: the
   * server-side proxy of a sidecar pair; empty for a single proxy), and the ports where it takes
   * HTTP/1.1 and h2c. CPU and memory are measured over {@link #processes()}, all of them.
   */
  record Running(BenchProcess process, List<BenchProcess> chained, int http1Port, int h2cPort)
      implements AutoCloseable {

    public Running {
      chained = List.copyOf(chained);
    }

    /** A target of one process (or none). */
    public Running(BenchProcess process, int http1Port, int h2cPort) {
      this(process, List.of(), http1Port, h2cPort);
    }

    /** Every process of the target, the one clients connect to first; empty for {@code direct}. */
    public List<BenchProcess> processes() {
      List<BenchProcess> all = new ArrayList<>();
      if (process != null) {
        all.add(process);
      }
      all.addAll(chained);
      return all;
    }

    /** Stops the client-facing process first, then the ones behind it. */
    @Override
    public void close() {
      processes().forEach(BenchProcess::close);
    }
  }
}
