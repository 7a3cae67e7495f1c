package io.trellis.proxy.outlier;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * What outlier detection knows of one host: consecutive-error counters and the current interval's
 * request counts, fed from every event loop without locks, and (under the detector's lock) whether
 * and since when the host is ejected.
 */
public final class HostMonitor {
  private final OutlierDetector detector;
  private final Object owner;
  private final AtomicInteger consecutive5xx = new AtomicInteger();
  private final AtomicInteger consecutiveGatewayFailure = new AtomicInteger();
  private final AtomicInteger consecutiveLocalOriginFailure = new AtomicInteger();
  final LongAdder externalTotal = new LongAdder();
  final LongAdder externalSuccess = new LongAdder();
  final LongAdder localTotal = new LongAdder();
  final LongAdder localSuccess = new LongAdder();

  // guarded by detector
  boolean ejected;
  int ejectionCount;
  long ejectedAtMillis;
  long backSinceMillis;
  boolean removed;

  HostMonitor(OutlierDetector detector, Object owner) {
    this.detector = detector;
    this.owner = owner;
  }

  /** The host this monitor watches, as its cluster knows it. */
  public Object owner() {
    return owner;
  }

  /** Whether the host is ejected now. */
  public boolean ejected() {
    synchronized (detector) {
      return ejected;
    }
  }

  /** How many times the host was ejected without earning the count back (multiplies the ejection time). */
  public int ejectionCount() {
    synchronized (detector) {
      return ejectionCount;
    }
  }

  /** The upstream answered {@code status}. */
  public void putHttpStatus(int status) {
    externalTotal.increment();
    if (status >= 500 && status < 600) {
      if (status == 502 || status == 503 || status == 504) {
        if (consecutiveGatewayFailure.incrementAndGet() == detector.config().consecutiveGatewayFailure()) {
          consecutiveGatewayFailure.set(0);
          detector.detected(this, EjectionType.CONSECUTIVE_GATEWAY_FAILURE);
        }
      } else {
        consecutiveGatewayFailure.set(0);
      }
      if (consecutive5xx.incrementAndGet() == detector.config().consecutive5xx()) {
        consecutive5xx.set(0);
        detector.detected(this, EjectionType.CONSECUTIVE_5XX);
      }
    } else {
      externalSuccess.increment();
      consecutive5xx.set(0);
      consecutiveGatewayFailure.set(0);
    }
  }

  /** This proxy saw {@code event} on a connection or stream to the host. */
  public void putLocalOrigin(LocalOriginEvent event) {
    if (!detector.config().splitExternalLocalOriginErrors()) {
      // Counted as the answer the router gives in the upstream's place; a connect alone says nothing.
      switch (event) {
        case CONNECT_SUCCESS -> {}
        case CONNECT_FAILED -> putHttpStatus(503);
        case TIMEOUT -> putHttpStatus(504);
      }
      return;
    }
    localTotal.increment();
    if (event == LocalOriginEvent.CONNECT_SUCCESS) {
      localSuccess.increment();
      consecutiveLocalOriginFailure.set(0);
      return;
    }
    if (consecutiveLocalOriginFailure.incrementAndGet() == detector.config().consecutiveLocalOriginFailure()) {
      consecutiveLocalOriginFailure.set(0);
      detector.detected(this, EjectionType.CONSECUTIVE_LOCAL_ORIGIN_FAILURE);
    }
  }

  void resetConsecutive() {
    consecutive5xx.set(0);
    consecutiveGatewayFailure.set(0);
    consecutiveLocalOriginFailure.set(0);
  }

  @Override
  public String toString() {
    return String.valueOf(owner);
  }
}
