package io.trellis.control.push;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.PriorityQueue;

/** A clock and scheduler that move only when the test says so; due tasks run on the test thread. */
final class FakeTime extends Clock implements Scheduler {
  private record Task(Instant due, long seq, Runnable run) {}

  private Instant now = Instant.parse("2026-01-01T00:00:00Z");
  private long seq;
  private final PriorityQueue<Task> tasks =
      new PriorityQueue<>(Comparator.comparing(Task::due).thenComparingLong(Task::seq));

  @Override
  public synchronized void schedule(Runnable task, Duration delay) {
    tasks.add(new Task(now.plus(delay), seq++, task));
  }

  /** Moves time forward, running every task that falls due, in order, at its due time. */
  void advance(Duration d) {
    Instant end;
    synchronized (this) {
      end = now.plus(d);
    }
    while (true) {
      Task next;
      synchronized (this) {
        next = tasks.peek();
        if (next == null || next.due().isAfter(end)) {
          now = end;
          return;
        }
        tasks.poll();
        now = next.due();
      }
      next.run().run();
    }
  }

  @Override
  public synchronized Instant instant() {
    return now;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
