package io.trellis.proxy.stats;

import java.util.concurrent.atomic.LongAdder;

/** A value that goes up and down, such as active connections or pending requests. */
public final class Gauge {
  private final LongAdder value = new LongAdder();

  public void inc() {
    value.increment();
  }

  public void dec() {
    value.decrement();
  }

  public void add(long delta) {
    value.add(delta);
  }

  /** Sets the gauge; meant for values owned by one writer (e.g. membership sizes), not for counts. */
  public void set(long newValue) {
    value.reset();
    value.add(newValue);
  }

  public long get() {
    return value.sum();
  }
}
