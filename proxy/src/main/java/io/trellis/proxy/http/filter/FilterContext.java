package io.trellis.proxy.http.filter;

import io.trellis.proxy.stats.StatsStore;
import io.trellis.proxy.upstream.ClusterManager;
import java.time.Clock;
import java.util.random.RandomGenerator;

/** What a filter factory may use when compiled: the proxy's shared services, injected for tests. */
public record FilterContext(
    ClusterManager clusterManager, StatsStore stats, String statPrefix, Clock clock, RandomGenerator random) {}
