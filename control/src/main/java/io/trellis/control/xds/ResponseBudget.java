package io.trellis.control.xds;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The server-wide bound on response bytes in flight: serialized responses handed to gRPC that no
 * proxy has answered yet and whose stream has not drained them ({@link ProxyConnection} says when
 * bytes are released). Without it, 2000 proxies connecting at once had every CDS, EDS, LDS and RDS
 * response serialized into gRPC's off-heap buffers at the same time: gigabytes of RSS the heap
 * figures do not show.
 *
 * <p>A response that does not fit waits; waiting connections are admitted in arrival order, so a
 * proxy with a large response is not overtaken forever by smaller ones, and a response larger than
 * the whole budget goes once nothing else is in flight. An admitted connection gets the bytes it
 * asked for reserved and is resumed on {@code grants}, never on the releasing thread: releases
 * happen under one connection's lock, and resuming another one there could deadlock two streams.
 */
final class ResponseBudget {
  private final long limit;
  private final XdsObserver observer;
  private final Executor grants;
  private final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
  private long inFlight;
  private long waits;

  private record Waiter(ProxyConnection connection, long bytes) {}

  ResponseBudget(long limit, XdsObserver observer, Executor grants) {
    if (limit <= 0) {
      throw new IllegalArgumentException("xDS response budget: " + limit + " bytes (expected: > 0)");
    }
    this.limit = limit;
    this.observer = observer;
    this.grants = grants;
  }

  long limit() {
    return limit;
  }

  /**
   * Takes {@code bytes} for a response of {@code c}, or queues {@code c} (which must not be queued
   * already) and returns false; it is then resumed through {@link ProxyConnection#granted} with the
   * bytes reserved. Nobody jumps the queue: with connections waiting, a response that would fit
   * waits too.
   */
  synchronized boolean tryAcquire(ProxyConnection c, long bytes) {
    if (waiting.isEmpty() && fits(bytes)) {
      inFlight += bytes;
      report();
      return true;
    }
    waiting.add(new Waiter(c, bytes));
    waits++;
    report();
    return false;
  }

  /** Gives back bytes taken by {@link #tryAcquire} or reserved by a grant. */
  void release(long bytes) {
    adjust(-bytes);
  }

  /** Corrects a reservation by the difference between the response sent and the one estimated. */
  void adjust(long delta) {
    if (delta == 0) {
      return;
    }
    List<Waiter> admitted;
    synchronized (this) {
      inFlight += delta;
      admitted = admit();
      report();
    }
    resume(admitted);
  }

  /** A closed stream leaves the queue (what it held it releases itself). */
  void cancel(ProxyConnection c) {
    List<Waiter> admitted;
    synchronized (this) {
      if (!waiting.removeIf(w -> w.connection == c)) {
        return;
      }
      admitted = admit();
      report();
    }
    resume(admitted);
  }

  synchronized long inFlight() {
    return inFlight;
  }

  synchronized int waiting() {
    return waiting.size();
  }

  /** Responses that had to wait for budget since the server started. */
  synchronized long waits() {
    return waits;
  }

  private boolean fits(long bytes) {
    return inFlight == 0 || inFlight + bytes <= limit;
  }

  private List<Waiter> admit() {
    List<Waiter> admitted = List.of();
    while (!waiting.isEmpty() && fits(waiting.peek().bytes)) {
      Waiter w = waiting.poll();
      inFlight += w.bytes;
      if (admitted.isEmpty()) {
        admitted = new ArrayList<>();
      }
      admitted.add(w);
    }
    return admitted;
  }

  private void report() {
    observer.responseBudget(inFlight, waiting.size());
  }

  private void resume(List<Waiter> admitted) {
    for (Waiter w : admitted) {
      try {
        grants.execute(() -> w.connection.granted(w.bytes));
      } catch (RejectedExecutionException e) {
        // The server is closing: its streams are ending, nothing is owed to them any more.
        release(w.bytes);
      }
    }
  }
}
