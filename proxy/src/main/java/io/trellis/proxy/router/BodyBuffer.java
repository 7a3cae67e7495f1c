package io.trellis.proxy.router;

import io.netty.handler.codec.http.HttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;

/**
 * The request body parts seen so far, held (as retained duplicates, sharing the bytes) so that a
 * retry can send them again. Bounded: once the body outgrows the limit the buffer lets go of
 * everything and the request can no longer be retried, though it still streams to the current attempt.
 */
final class BodyBuffer {
  private final int limitBytes;
  private final List<HttpContent> parts = new ArrayList<>(4);
  private long bytes;
  private boolean overflowed;

  BodyBuffer(int limitBytes) {
    this.limitBytes = limitBytes;
  }

  /** Holds a duplicate of {@code part}; returns false (and holds nothing from now on) past the limit. */
  boolean add(HttpContent part) {
    if (overflowed) {
      return false;
    }
    bytes += part.content().readableBytes();
    if (bytes > limitBytes) {
      overflowed = true;
      release();
      return false;
    }
    parts.add(part.retainedDuplicate());
    return true;
  }

  boolean overflowed() {
    return overflowed;
  }

  /** Sends every held part to {@code attempt}, each as a new duplicate (the buffer keeps its own). */
  void replay(UpstreamRequest attempt) {
    for (HttpContent p : parts) {
      attempt.send(p.retainedDuplicate());
    }
  }

  void release() {
    parts.forEach(ReferenceCountUtil::release);
    parts.clear();
  }
}
