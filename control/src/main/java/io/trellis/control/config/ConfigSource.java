package io.trellis.control.config;

import java.io.IOException;
import java.util.function.Consumer;

/**
 * A place configuration comes from: a watched directory, the apply/delete API, and later the
 * Kubernetes API server (an informer-backed source publishes its cache the same way).
 *
 * <p>A source publishes its whole current state rather than individual events: the store then only
 * has to merge states, a source can coalesce its own bursts, and a source that reconnects (an
 * informer's relist) needs no special replay logic.
 */
public interface ConfigSource extends AutoCloseable {

  /** A short name for logs and status, e.g. {@code dir:/etc/trellis} or {@code api}. */
  String name();

  /**
   * Starts the source. {@code listener} receives the complete state once before this returns (so
   * the first snapshot is complete) and again after every change, from the source's own threads,
   * one call at a time.
   */
  void start(Consumer<SourceState> listener) throws IOException;

  /** Stops watching; no calls to the listener after this returns. */
  @Override
  void close();
}
