package io.trellis.proxy.health;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Fake time for the health checker: tasks run when the test advances the clock past their due time. */
final class FakeScheduler implements HealthScheduler {
  private record Task(long due, long seq, Runnable run, boolean[] cancelled) {}

  private final List<Task> tasks = new ArrayList<>();
  private long now;
  private long seq;

  long now() {
    return now;
  }

  @Override
  public Runnable schedule(Runnable task, long delayMillis) {
    boolean[] cancelled = new boolean[1];
    tasks.add(new Task(now + delayMillis, seq++, task, cancelled));
    return () -> cancelled[0] = true;
  }

  @Override
  public void execute(Runnable task) {
    schedule(task, 0);
  }

  /** Runs everything due up to now + millis, in order, including tasks those tasks schedule. */
  void advance(long millis) {
    long until = now + millis;
    while (true) {
      Task next = tasks.stream().filter(t -> t.due() <= until)
          .min(Comparator.comparingLong(Task::due).thenComparingLong(Task::seq)).orElse(null);
      if (next == null) {
        break;
      }
      tasks.remove(next);
      now = Math.max(now, next.due());
      if (!next.cancelled()[0]) {
        next.run().run();
      }
    }
    now = until;
  }
}
