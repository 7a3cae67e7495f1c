package io.trellis.proxy.health;

import io.netty.channel.EventLoop;
import java.util.concurrent.TimeUnit;

/** Runs tasks later on the checker's single thread; the event loop in production, a fake in tests. */
public interface HealthScheduler {

  /** Runs {@code task} after {@code delayMillis}; the returned handle cancels it. */
  Runnable schedule(Runnable task, long delayMillis);

  /** Runs {@code task} on the checker's thread as soon as possible. */
  void execute(Runnable task);

  static HealthScheduler of(EventLoop loop) {
    return new HealthScheduler() {
      @Override
      public Runnable schedule(Runnable task, long delayMillis) {
        var f = loop.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
        return () -> f.cancel(false);
      }

      @Override
      public void execute(Runnable task) {
        loop.execute(task);
      }
    };
  }
}
