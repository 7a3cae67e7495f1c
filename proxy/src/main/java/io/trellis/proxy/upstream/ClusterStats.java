package io.trellis.proxy.upstream;

import io.trellis.proxy.stats.Counter;
import io.trellis.proxy.stats.Gauge;
import io.trellis.proxy.stats.StatsStore;

/**
 * A cluster's stats under Envoy's names ({@code cluster.NAME.…}), looked up once per cluster so the
 * data path only bumps fields. A reconfigured cluster gets the same objects and keeps counting.
 */
final class ClusterStats {
  final Counter cxTotal;
  final Gauge cxActive;
  final Counter cxConnectFail;
  final Counter cxConnectTimeout;
  final Counter cxDestroy;
  final Counter cxIdleTimeout;
  final Counter cxMaxRequests;
  final Counter cxHttp1Total;
  final Counter cxHttp2Total;
  final Gauge rqActive;
  final Gauge rqPendingActive;
  final Counter rqPendingOverflow;
  final Counter rqOverflow;
  final Counter cxOverflow;
  final Counter cxPoolOverflow;
  final Counter rqRetryOverflow;
  final Gauge membershipTotal;
  final Gauge membershipHealthy;
  final Counter lbHealthyPanic;
  final Counter membershipChange;
  final Counter updateAttempt;
  final Counter updateSuccess;
  final Counter updateFailure;
  final Counter updateNoRebuild;

  ClusterStats(StatsStore store, String clusterName) {
    String p = "cluster." + clusterName + ".";
    cxTotal = store.counter(p + "upstream_cx_total");
    cxActive = store.gauge(p + "upstream_cx_active");
    cxConnectFail = store.counter(p + "upstream_cx_connect_fail");
    cxConnectTimeout = store.counter(p + "upstream_cx_connect_timeout");
    cxDestroy = store.counter(p + "upstream_cx_destroy");
    cxIdleTimeout = store.counter(p + "upstream_cx_idle_timeout");
    cxMaxRequests = store.counter(p + "upstream_cx_max_requests");
    cxHttp1Total = store.counter(p + "upstream_cx_http1_total");
    cxHttp2Total = store.counter(p + "upstream_cx_http2_total");
    rqActive = store.gauge(p + "upstream_rq_active");
    rqPendingActive = store.gauge(p + "upstream_rq_pending_active");
    rqPendingOverflow = store.counter(p + "upstream_rq_pending_overflow");
    rqOverflow = store.counter(p + "upstream_rq_overflow");
    cxOverflow = store.counter(p + "upstream_cx_overflow");
    cxPoolOverflow = store.counter(p + "upstream_cx_pool_overflow");
    rqRetryOverflow = store.counter(p + "upstream_rq_retry_overflow");
    membershipTotal = store.gauge(p + "membership_total");
    membershipHealthy = store.gauge(p + "membership_healthy");
    lbHealthyPanic = store.counter(p + "lb_healthy_panic");
    membershipChange = store.counter(p + "membership_change");
    updateAttempt = store.counter(p + "update_attempt");
    updateSuccess = store.counter(p + "update_success");
    updateFailure = store.counter(p + "update_failure");
    updateNoRebuild = store.counter(p + "update_no_rebuild");
  }
}
