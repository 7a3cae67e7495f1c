package io.trellis.bench.controlplane;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Times one configuration change reaching every proxy: armed just before the file is written,
 * it watches responses of the xDS types that can carry the change for a marker (a string that exists in the serialized
 * resources only after the change — a new cluster name in a route, a new endpoint address) and
 * records, per proxy, when the marker first arrived.
 */
final class ConvergenceWatch {

  private final java.util.Set<String> typeUrls;
  private final byte[] markerBytes;
  private final int[] markerShifts;
  private final long armedNanos;
  private final AtomicLongArray seenNanos;
  private final CountDownLatch remaining;

  /**
   * @param typeUrls the types whose responses may carry the change: a route change arrives in a
   *     route configuration, or (VHDS) in the one virtual host that changed
   */
  ConvergenceWatch(java.util.Set<String> typeUrls, String marker, int proxies, long armedNanos) {
    this.typeUrls = java.util.Set.copyOf(typeUrls);
    this.markerBytes = marker.getBytes(StandardCharsets.UTF_8);
    this.markerShifts = shifts(markerBytes);
    this.armedNanos = armedNanos;
    this.seenNanos = new AtomicLongArray(proxies);
    this.remaining = new CountDownLatch(proxies);
  }

  /** A response of {@code type} with these resources reached proxy {@code proxy} at {@code nowNanos}. */
  void offer(int proxy, String type, Iterable<Any> resources, long nowNanos) {
    if (!typeUrls.contains(type) || seenNanos.get(proxy) != 0) {
      return;
    }
    for (Any resource : resources) {
      if (contains(resource.getValue(), markerBytes, markerShifts)) {
        if (seenNanos.compareAndSet(proxy, 0, nowNanos)) {
          remaining.countDown();
        }
        return;
      }
    }
  }

  /**
   * Whether {@code bytes} contain {@code marker}, searched in place (Boyer-Moore-Horspool, which
   * reads about one byte in {@code marker.length}): copying a 400 KB route configuration into a
   * string per proxy, or reading every byte of it, made the benchmark's own work, not the control
   * plane, a visible part of a route change.
   */
  static boolean contains(ByteString bytes, byte[] marker) {
    return contains(bytes, marker, shifts(marker));
  }

  /** Horspool's table: how far the window may move when its last byte is {@code b}. */
  static int[] shifts(byte[] marker) {
    int[] shift = new int[256];
    java.util.Arrays.fill(shift, Math.max(1, marker.length));
    for (int i = 0; i < marker.length - 1; i++) {
      shift[marker[i] & 0xFF] = marker.length - 1 - i;
    }
    return shift;
  }

  static boolean contains(ByteString bytes, byte[] marker, int[] shift) {
    int m = marker.length;
    if (m == 0) {
      return true;
    }
    java.nio.ByteBuffer b = bytes.asReadOnlyByteBuffer();
    int base = b.position();
    int n = b.remaining();
    int i = 0;
    while (i <= n - m) {
      int j = m - 1;
      while (j >= 0 && b.get(base + i + j) == marker[j]) {
        j--;
      }
      if (j < 0) {
        return true;
      }
      i += shift[b.get(base + i + m - 1) & 0xFF];
    }
    return false;
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
