package io.trellis.proxy.http;

import io.trellis.proxy.stats.Counter;
import io.trellis.proxy.stats.Gauge;
import io.trellis.proxy.stats.StatsStore;

/** The connection manager's stats under Envoy's names {@code http.PREFIX.*}, looked up once per configuration. */
public final class HcmStats {
  public final Counter rqTotal;
  public final Counter rq1xx;
  public final Counter rq2xx;
  public final Counter rq3xx;
  public final Counter rq4xx;
  public final Counter rq5xx;
  public final Gauge rqActive;
  public final Counter rqHttp1Total;
  public final Counter rqHttp2Total;
  public final Counter rqTimeout;
  public final Counter rqIdleTimeout;
  public final Counter rqMaxDurationReached;
  public final Counter rqRxReset;
  public final Counter rqTxReset;
  public final Counter cxTotal;
  public final Gauge cxActive;
  public final Counter cxHttp1Total;
  public final Counter cxHttp2Total;
  public final Counter cxProtocolError;
  public final Counter cxDrainClose;
  public final Counter cxIdleTimeout;

  public HcmStats(StatsStore store, String statPrefix) {
    String p = "http." + statPrefix + ".";
    rqTotal = store.counter(p + "downstream_rq_total");
    rq1xx = store.counter(p + "downstream_rq_1xx");
    rq2xx = store.counter(p + "downstream_rq_2xx");
    rq3xx = store.counter(p + "downstream_rq_3xx");
    rq4xx = store.counter(p + "downstream_rq_4xx");
    rq5xx = store.counter(p + "downstream_rq_5xx");
    rqActive = store.gauge(p + "downstream_rq_active");
    rqHttp1Total = store.counter(p + "downstream_rq_http1_total");
    rqHttp2Total = store.counter(p + "downstream_rq_http2_total");
    rqTimeout = store.counter(p + "downstream_rq_timeout");
    rqIdleTimeout = store.counter(p + "downstream_rq_idle_timeout");
    rqMaxDurationReached = store.counter(p + "downstream_rq_max_duration_reached");
    rqRxReset = store.counter(p + "downstream_rq_rx_reset");
    rqTxReset = store.counter(p + "downstream_rq_tx_reset");
    cxTotal = store.counter(p + "downstream_cx_total");
    cxActive = store.gauge(p + "downstream_cx_active");
    cxHttp1Total = store.counter(p + "downstream_cx_http1_total");
    cxHttp2Total = store.counter(p + "downstream_cx_http2_total");
    cxProtocolError = store.counter(p + "downstream_cx_protocol_error");
    cxDrainClose = store.counter(p + "downstream_cx_drain_close");
    cxIdleTimeout = store.counter(p + "downstream_cx_idle_timeout");
  }

  public void responseCode(int code) {
    switch (code / 100) {
      case 1 -> rq1xx.inc();
      case 2 -> rq2xx.inc();
      case 3 -> rq3xx.inc();
      case 4 -> rq4xx.inc();
      case 5 -> rq5xx.inc();
      default -> {}
    }
  }
}
