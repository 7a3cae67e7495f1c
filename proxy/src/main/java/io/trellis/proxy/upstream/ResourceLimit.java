package io.trellis.proxy.upstream;

import io.trellis.proxy.stats.Gauge;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * One circuit breaker: a count of a resource in use across every pool and event loop of a cluster,
 * against its maximum. Checked and changed with atomics, never a lock on the data path. As in Envoy,
 * a check ({@link #canAcquire()}) and the later {@link #acquire()} are separate steps, so concurrent
 * loops may overshoot by a few; {@link #tryAcquire()} is exact where the caller can use it.
 *
 * <p>Gauges: {@code …_open} is 1 while the breaker is at its limit; {@code remaining_…} (only with
 * {@code track_remaining}) counts what is left.
 *
 * <p>A limit may be dynamic (the retry budget): its maximum is then computed at each check from other
 * limits' counts, and, as in Envoy, its {@code remaining_…} gauge stays 0 because it would depend on
 * resources that change without this limit hearing of it.
 */
public final class ResourceLimit {
  private final long max;
  private final LongSupplier dynamicMax;
  private final AtomicLong count = new AtomicLong();
  private final Gauge open;
  private final Gauge remaining;
  // The gauges are shared by name with the cluster's other versions: only the version in service writes them.
  private volatile boolean published;

  ResourceLimit(long max, Gauge open, Gauge remaining) {
    this.max = max;
    this.dynamicMax = null;
    this.open = open;
    this.remaining = remaining;
  }

  /** A limit whose maximum is {@code dynamicMax}, read at every check. */
  ResourceLimit(LongSupplier dynamicMax, Gauge open, Gauge remaining) {
    this.max = 0;
    this.dynamicMax = dynamicMax;
    this.open = open;
    this.remaining = remaining;
  }

  /** This cluster version went into service: its gauges now show its counts. */
  synchronized void publish() {
    published = true;
    long c = count.get();
    long m = max();
    open.set(c >= m ? 1 : 0);
    if (remaining != null) {
      remaining.set(dynamicMax != null ? 0 : Math.max(0, m - c));
    }
  }

  /** This cluster version left service: it stops writing the shared gauges. */
  void unpublish() {
    published = false;
  }

  /** A limit without gauges, for pools created outside a cluster (tests). */
  static ResourceLimit unlimited() {
    ResourceLimit r = new ResourceLimit(Long.MAX_VALUE, new Gauge(), null);
    r.publish();
    return r;
  }

  /** The limit now (for a dynamic limit, computed from the counts it depends on). */
  public long max() {
    return dynamicMax == null ? max : dynamicMax.getAsLong();
  }

  /** The resource in use now. */
  public long count() {
    return count.get();
  }

  /** Whether one more may be taken now. */
  public boolean canAcquire() {
    return count.get() < max();
  }

  /** Takes one if the limit allows; returns whether it did. Call {@link #release()} when done. */
  public boolean tryAcquire() {
    long m = max();
    long c;
    do {
      c = count.get();
      if (c >= m) {
        return false;
      }
    } while (!count.compareAndSet(c, c + 1));
    changed(c + 1, c);
    return true;
  }

  /** Takes one regardless of the limit (after a {@link #canAcquire()} check, or where Envoy lets one through). */
  public void acquire() {
    long now = count.incrementAndGet();
    changed(now, now - 1);
  }

  /** Gives one back. */
  public void release() {
    long now = count.decrementAndGet();
    changed(now, now + 1);
  }

  private void changed(long now, long before) {
    if (!published) {
      return;
    }
    long limit = max();
    if (remaining != null && dynamicMax == null) {
      // remaining = max(0, limit - count): only the part of a step above the limit leaves it unchanged
      long r0 = Math.max(0, limit - before);
      long r1 = Math.max(0, limit - now);
      if (r1 != r0) {
        remaining.add(r1 - r0);
      }
    }
    if ((now >= limit) != (before >= limit)) {
      synchronized (this) { // transitions are rare; recompute so racing ones settle on the truth
        if (published) {
          open.set(count.get() >= max() ? 1 : 0);
        }
      }
    }
  }
}
