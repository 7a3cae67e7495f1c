package io.trellis.proxy.stats;

import java.util.concurrent.atomic.LongAdder;

/** A monotonically increasing count, cheap to bump from every event loop at once. */
public final class Counter {
  private final LongAdder value = new LongAdder();

  public void inc() {
    value.increment();
  }

  public void add(long delta) {
    if (delta < 0) {
      throw new IllegalArgumentException("counter delta: " + delta + " (expected: >= 0)");
    }
    value.add(delta);
  }

  public long get() {
    return value.sum();
  }
}
