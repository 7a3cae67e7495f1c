package io.trellis.control.push;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs a task after a delay. The debouncer's only view of timers, so tests drive it with a fake
 * clock instead of waiting.
 */
@FunctionalInterface
public interface Scheduler {

  void schedule(Runnable task, Duration delay);

  /** Timers on a real executor; tasks run on its thread(s). */
  static Scheduler of(ScheduledExecutorService executor) {
    return (task, delay) -> executor.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
  }
}
