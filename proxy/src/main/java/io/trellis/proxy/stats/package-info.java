/**
 * Named counters and gauges, keyed by Envoy's stat names ({@code cluster.NAME.upstream_rq_total},
 * {@code listener.ADDRESS.downstream_cx_total}, {@code http.PREFIX.downstream_rq_total}) so that
 * dashboards and alerts written for Envoy read Trellis unchanged. Components look their stats up
 * once, when their configuration is compiled, and touch only the returned objects on the data path.
 */
package io.trellis.proxy.stats;
