package io.trellis.proxy.lb;

import io.trellis.proxy.upstream.Host;
import java.net.InetSocketAddress;
import java.util.Map;

/** A host whose health, weight and load the test sets. */
final class TestHost implements Host {
  private final InetSocketAddress address;
  private final Locality locality;
  volatile boolean healthy = true;
  volatile int weight = 1;
  volatile int active;
  volatile long joined = Long.MIN_VALUE;

  TestHost(int i) {
    this(i, Locality.NONE);
  }

  TestHost(int i, Locality locality) {
    this.address = new InetSocketAddress("10.0." + (i / 250) + "." + (i % 250 + 1), 8080);
    this.locality = locality;
  }

  TestHost weight(int w) {
    weight = w;
    return this;
  }

  TestHost joined(long millis) {
    joined = millis;
    return this;
  }

  TestHost unhealthy() {
    healthy = false;
    return this;
  }

  @Override public InetSocketAddress address() { return address; }
  @Override public String hostname() { return ""; }
  @Override public Locality locality() { return locality; }
  @Override public Map<String, String> lbMetadata() { return Map.of(); }
  @Override public boolean healthy() { return healthy; }
  @Override public int weight() { return weight; }
  @Override public int activeRequests() { return active; }
  @Override public long joinedMillis() { return joined; }
  @Override public String toString() { return address.toString(); }
}
