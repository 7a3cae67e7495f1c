package io.trellis.proxy.config.cluster;

/** A cluster's load-balancing policy with its policy-specific settings (Envoy's {@code Cluster.LbPolicy}). */
public sealed interface LbPolicy {

  /** Weighted round robin: each healthy host gets picks in proportion to its weight, smoothly interleaved. */
  record RoundRobin() implements LbPolicy {}

  /**
   * Power of N choices among healthy hosts; with unequal weights, a host's effective weight is
   * {@code weight / (active_requests + 1) ^ active_request_bias}.
   *
   * @param choiceCount {@code choice_count}, default 2
   * @param activeRequestBias {@code active_request_bias}, default 1.0
   */
  record LeastRequest(int choiceCount, double activeRequestBias) implements LbPolicy {
    public static final int DEFAULT_CHOICE_COUNT = 2;
    public static final double DEFAULT_ACTIVE_REQUEST_BIAS = 1.0;

    public LeastRequest {
      if (choiceCount < 2) {
        throw new IllegalArgumentException(
            "least_request_lb_config.choice_count: " + choiceCount + " (expected: >= 2)");
      }
      if (!(activeRequestBias >= 0) || Double.isInfinite(activeRequestBias)) {
        throw new IllegalArgumentException(
            "least_request_lb_config.active_request_bias: " + activeRequestBias + " (expected: finite, >= 0)");
      }
    }

    public LeastRequest() {
      this(DEFAULT_CHOICE_COUNT, DEFAULT_ACTIVE_REQUEST_BIAS);
    }
  }

  /** A uniformly random healthy host. */
  record Random() implements LbPolicy {}

  /**
   * Ketama-style consistent hashing over a ring whose size is between the bounds, scaled by weights.
   *
   * @param minimumRingSize {@code minimum_ring_size}, default 1024
   * @param maximumRingSize {@code maximum_ring_size}, default 8M, at most 8M
   */
  record RingHash(long minimumRingSize, long maximumRingSize) implements LbPolicy {
    public static final long DEFAULT_MINIMUM_RING_SIZE = 1024;
    public static final long DEFAULT_MAXIMUM_RING_SIZE = 8 * 1024 * 1024;

    public RingHash {
      if (minimumRingSize < 1 || minimumRingSize > DEFAULT_MAXIMUM_RING_SIZE) {
        throw new IllegalArgumentException(
            "ring_hash_lb_config.minimum_ring_size: " + minimumRingSize + " (expected: 1.." + DEFAULT_MAXIMUM_RING_SIZE + ")");
      }
      if (maximumRingSize < minimumRingSize || maximumRingSize > DEFAULT_MAXIMUM_RING_SIZE) {
        throw new IllegalArgumentException("ring_hash_lb_config.maximum_ring_size: " + maximumRingSize
            + " (expected: " + minimumRingSize + ".." + DEFAULT_MAXIMUM_RING_SIZE + ")");
      }
    }

    public RingHash() {
      this(DEFAULT_MINIMUM_RING_SIZE, DEFAULT_MAXIMUM_RING_SIZE);
    }
  }

  /**
   * Maglev consistent hashing over a lookup table.
   *
   * @param tableSize {@code maglev_lb_config.table_size}, a prime, default 65537, at most 5000011
   */
  record Maglev(long tableSize) implements LbPolicy {
    public static final long DEFAULT_TABLE_SIZE = 65537;
    public static final long MAX_TABLE_SIZE = 5000011;

    public Maglev {
      if (tableSize < 2 || tableSize > MAX_TABLE_SIZE || !java.math.BigInteger.valueOf(tableSize).isProbablePrime(30)) {
        throw new IllegalArgumentException(
            "maglev_lb_config.table_size: " + tableSize + " (expected: a prime, 2.." + MAX_TABLE_SIZE + ")");
      }
    }

    public Maglev() {
      this(DEFAULT_TABLE_SIZE);
    }
  }
}
