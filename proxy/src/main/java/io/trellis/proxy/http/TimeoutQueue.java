package io.trellis.proxy.http;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Timeouts of one duration on one event loop. Nearly every request starts a stream idle timeout and a
 * route timeout and cancels both a millisecond later; on Netty's scheduler that is a heap insert and a
 * heap removal (O(log n), plus a task object) per timer per request. Here every timeout of a queue has
 * the same duration, so deadlines come in the order the timeouts start: a FIFO is already sorted,
 * starting and cancelling are O(1), and one scheduled task (armed for the earliest deadline) serves the
 * whole queue. A timeout fires no earlier than its deadline and as promptly as a Netty task would.
 *
 * <p>Queues are shared per (event loop, duration) through {@link #start(EventLoop, Duration, Runnable)};
 * they are confined to their event loop. Durations that do not come from configuration (for example a
 * per-request {@code grpc-timeout}) should use {@link #startUnshared}, so that requests cannot make the
 * set of queues grow.
 */
public final class TimeoutQueue {
  private static final InternalLogger LOG = InternalLoggerFactory.getInstance(TimeoutQueue.class);
  /** Distinct durations per event loop beyond which timeouts fall back to the loop's own scheduler. */
  static final int MAX_QUEUES_PER_LOOP = 64;
  /** Cancelled timeouts are swept out when they outnumber live ones this many times (and exceed {@link #SWEEP_MIN}). */
  private static final int SWEEP_RATIO = 4;
  private static final int SWEEP_MIN = 256;

  /** This thread's queues; a handful (one per configured duration), so a scan beats hashing a key. */
  private static final FastThreadLocal<ArrayList<TimeoutQueue>> QUEUES = new FastThreadLocal<>() {
    @Override
    protected ArrayList<TimeoutQueue> initialValue() {
      return new ArrayList<>(4);
    }
  };

  private final EventLoop loop;
  private final long durationNanos;
  private final ArrayDeque<Timeout> timeouts = new ArrayDeque<>();
  private final Runnable fire = this::fire;
  private int live;
  private ScheduledFuture<?> wakeup;

  TimeoutQueue(EventLoop loop, Duration duration) {
    this.loop = loop;
    this.durationNanos = duration.toNanos();
  }

  /**
   * Starts a timeout of {@code duration} on {@code loop} (called on that loop) that runs {@code task}
   * on the loop when it expires, unless cancelled first.
   */
  public static Timeout start(EventLoop loop, Duration duration, Runnable task) {
    if (!loop.inEventLoop()) {
      return startUnshared(loop, duration, task);
    }
    ArrayList<TimeoutQueue> queues = QUEUES.get();
    long nanos = duration.toNanos();
    TimeoutQueue q = null;
    for (int i = 0, n = queues.size(); i < n; i++) {
      TimeoutQueue candidate = queues.get(i);
      if (candidate.durationNanos == nanos && candidate.loop == loop) {
        q = candidate;
        break;
      }
    }
    if (q == null) {
      if (queues.size() >= MAX_QUEUES_PER_LOOP) {
        return startUnshared(loop, duration, task);
      }
      q = new TimeoutQueue(loop, duration);
      queues.add(q);
    }
    return q.add(task);
  }

  /** A timeout on the loop's own scheduler, for durations that do not repeat (for example from a request header). */
  public static Timeout startUnshared(EventLoop loop, Duration duration, Runnable task) {
    Timeout t = new Timeout(null, 0, task);
    t.scheduled = loop.schedule(t::runScheduled, duration.toNanos(), TimeUnit.NANOSECONDS);
    return t;
  }

  /** Starts a timeout in this queue (on its event loop). */
  Timeout add(Runnable task) {
    long now = System.nanoTime();
    Timeout t = new Timeout(this, now + durationNanos, task);
    timeouts.addLast(t);
    live++;
    if (wakeup == null) {
      arm(t.deadline, now);
    }
    return t;
  }

  /** Timeouts held (live and not yet swept cancelled ones); for tests. */
  int size() {
    return timeouts.size();
  }

  int live() {
    return live;
  }

  private void cancelled() {
    live--;
    Timeout head;
    while ((head = timeouts.peekFirst()) != null && head.task == null) {
      timeouts.pollFirst();
    }
    // a long-lived stream at the head would otherwise keep every later, cancelled timeout
    if (timeouts.size() > SWEEP_MIN && timeouts.size() > SWEEP_RATIO * live) {
      timeouts.removeIf(t -> t.task == null);
    }
  }

  private void fire() {
    wakeup = null;
    long now = System.nanoTime();
    Timeout head;
    while ((head = timeouts.peekFirst()) != null) {
      if (head.task == null) {
        timeouts.pollFirst();
        continue;
      }
      if (head.deadline - now > 0) {
        break;
      }
      timeouts.pollFirst();
      Runnable task = head.task;
      head.task = null;
      live--;
      try {
        task.run();
      } catch (RuntimeException | Error e) {
        LOG.warn("a timeout task failed", e);
      }
    }
    // a task may have started a new timeout (and armed the wakeup) already
    head = timeouts.peekFirst();
    if (head != null && wakeup == null) {
      arm(head.deadline, System.nanoTime());
    }
  }

  private void arm(long deadline, long now) {
    wakeup = loop.schedule(fire, Math.max(0, deadline - now), TimeUnit.NANOSECONDS);
  }

  /** One pending timeout. Confined to its event loop. */
  public static final class Timeout {
    private final TimeoutQueue queue;
    private final long deadline;
    private Runnable task;
    private ScheduledFuture<?> scheduled;

    private Timeout(TimeoutQueue queue, long deadline, Runnable task) {
      this.queue = queue;
      this.deadline = deadline;
      this.task = task;
    }

    /** Whether it has neither fired nor been cancelled. */
    public boolean isPending() {
      return task != null;
    }

    /** Cancels it; no effect once it fired or was cancelled. */
    public void cancel() {
      if (task == null) {
        return;
      }
      task = null;
      if (queue != null) {
        queue.cancelled();
      } else if (scheduled != null) {
        scheduled.cancel(false);
      }
    }

    private void runScheduled() {
      Runnable r = task;
      if (r != null) {
        task = null;
        r.run();
      }
    }
  }
}
