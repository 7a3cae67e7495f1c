package io.trellis.proxy.router;

import io.trellis.proxy.stats.Counter;
import io.trellis.proxy.stats.StatsStore;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The router's per-cluster counters under Envoy's names {@code cluster.NAME.upstream_rq_*}. */
final class ClusterStats {
  final Counter rqTotal;
  final Counter rq2xx;
  final Counter rq3xx;
  final Counter rq4xx;
  final Counter rq5xx;
  final Counter rqTimeout;
  final Counter rqPerTryTimeout;
  final Counter rqPerTryIdleTimeout;
  final Counter rqRetry;
  final Counter rqRetrySuccess;
  final Counter rqRetryLimitExceeded;

  private ClusterStats(StatsStore store, String cluster) {
    String p = "cluster." + cluster + ".";
    rqTotal = store.counter(p + "upstream_rq_total");
    rq2xx = store.counter(p + "upstream_rq_2xx");
    rq3xx = store.counter(p + "upstream_rq_3xx");
    rq4xx = store.counter(p + "upstream_rq_4xx");
    rq5xx = store.counter(p + "upstream_rq_5xx");
    rqTimeout = store.counter(p + "upstream_rq_timeout");
    rqPerTryTimeout = store.counter(p + "upstream_rq_per_try_timeout");
    rqPerTryIdleTimeout = store.counter(p + "upstream_rq_per_try_idle_timeout");
    rqRetry = store.counter(p + "upstream_rq_retry");
    rqRetrySuccess = store.counter(p + "upstream_rq_retry_success");
    rqRetryLimitExceeded = store.counter(p + "upstream_rq_retry_limit_exceeded");
  }

  void responseCode(int code) {
    switch (code / 100) {
      case 2 -> rq2xx.inc();
      case 3 -> rq3xx.inc();
      case 4 -> rq4xx.inc();
      case 5 -> rq5xx.inc();
      default -> {}
    }
  }

  /** Per-cluster stats cached by name, so the data path does no string building after the first request. */
  static final class Cache {
    private final StatsStore store;
    private final Map<String, ClusterStats> byName = new ConcurrentHashMap<>();

    Cache(StatsStore store) {
      this.store = store;
    }

    ClusterStats get(String cluster) {
      ClusterStats s = byName.get(cluster);
      return s != null ? s : byName.computeIfAbsent(cluster, c -> new ClusterStats(store, c));
    }
  }
}
