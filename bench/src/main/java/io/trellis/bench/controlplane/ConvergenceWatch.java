package io.trellis.bench.controlplane;

import com.google.protobuf.Any;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Times one configuration change reaching every proxy: armed just before the file is written,
 * it watches responses of one xDS type for a marker (a string that exists in the serialized
 * resources only after the change — a new cluster name in a route, a new endpoint address) and
 * records, per proxy, when the marker first arrived.
 */
final class ConvergenceWatch {

  private final String typeUrl;
  private final String marker;
  private final long armedNanos;
  private final AtomicLongArray seenNanos;
  private final CountDownLatch remaining;

  ConvergenceWatch(String typeUrl, String marker, int proxies, long armedNanos) {
    this.typeUrl = typeUrl;
    this.marker = marker;
    this.armedNanos = armedNanos;
    this.seenNanos = new AtomicLongArray(proxies);
    this.remaining = new CountDownLatch(proxies);
  }

  /** A response of {@code type} with these resources reached proxy {@code proxy} at {@code nowNanos}. */
  void offer(int proxy, String type, Iterable<Any> resources, long nowNanos) {
    if (!type.equals(typeUrl) || seenNanos.get(proxy) != 0) {
      return;
    }
    for (Any resource : resources) {
      // ISO-8859-1 maps every byte to one char, so an ASCII marker is found wherever its bytes are
      if (resource.getValue().toString(StandardCharsets.ISO_8859_1).contains(marker)) {
        if (seenNanos.compareAndSet(proxy, 0, nowNanos)) {
          remaining.countDown();
        }
        return;
      }
    }
  }

  /** Waits until every proxy has the change or the deadline passes. */
  boolean await(Duration deadline) throws InterruptedException {
    return remaining.await(deadline.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Milliseconds from arming to arrival, for the proxies that got the change, sorted. */
  double[] latenciesMs() {
    return Arrays.stream(toArray()).filter(n -> n != 0).mapToDouble(n -> (n - armedNanos) / 1e6).sorted().toArray();
  }

  private long[] toArray() {
    long[] out = new long[seenNanos.length()];
    for (int i = 0; i < out.length; i++) {
      out[i] = seenNanos.get(i);
    }
    return out;
  }
}
