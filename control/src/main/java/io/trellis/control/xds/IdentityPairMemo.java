package io.trellis.control.xds;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * Remembers a pure function of two immutable objects, keyed by their identity. Proxies of one
 * shape hold the same generated maps and interned name sets, so a question asked about them (what
 * changed between two generations, whether a subscription covers a map) has one answer for all of
 * them: computed once, not once per proxy. Bounded: when full it starts over, which costs
 * recomputation, never correctness (keys hold their objects, so an identity is never reused while
 * cached).
 */
final class IdentityPairMemo<A, B, V> {
  static final int MAX_ENTRIES = 256;

  private final ConcurrentHashMap<Key, V> values = new ConcurrentHashMap<>();
  private final BiFunction<A, B, V> compute;

  IdentityPairMemo(BiFunction<A, B, V> compute) {
    this.compute = compute;
  }

  V get(A a, B b) {
    Key k = new Key(a, b);
    V v = values.get(k);
    if (v == null) {
      v = compute.apply(a, b);
      if (values.size() >= MAX_ENTRIES) {
        values.clear();
      }
      V prior = values.putIfAbsent(k, v);
      if (prior != null) {
        v = prior;
      }
    }
    return v;
  }

  private static final class Key {
    private final Object a;
    private final Object b;

    Key(Object a, Object b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && k.a == a && k.b == b;
    }

    @Override
    public int hashCode() {
      return 31 * System.identityHashCode(a) + System.identityHashCode(b);
    }
  }
}
