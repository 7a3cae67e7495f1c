package io.trellis.control.status;

import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.trellis.control.xds.ProxyNode;
import io.trellis.control.xds.XdsObserver;
import io.trellis.control.xds.XdsType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * The control plane's metrics under Istio's names, so istiod dashboards and alerts work unchanged:
 *
 * <ul>
 *   <li>{@code pilot_xds_pushes{type}} — responses sent, by type (cds, eds, lds, rds);
 *   <li>{@code pilot_xds_push_time} — seconds to regenerate, diff and send one proxy's update;
 *   <li>{@code pilot_proxy_convergence_time} — seconds from a config change until a proxy has
 *       acknowledged everything it caused;
 *   <li>{@code pilot_total_xds_rejects{type}} — responses proxies rejected (NACKs);
 *   <li>{@code pilot_xds} — connected proxies;
 *   <li>{@code trellis_config_rejections} — config inputs currently refused (files, applies);
 *   <li>{@code trellis_xds_response_bytes_in_flight} — serialized response bytes counted against
 *       the xDS server's response budget (sent, not yet answered or drained);
 *   <li>{@code trellis_xds_pushes_waiting_for_budget} — streams whose next response waits for it;
 *   <li>{@code trellis_xds_budget_waits} — responses that had to wait for it, by type.
 * </ul>
 *
 * <p>The counters are registered as gauges that only go up: the Prometheus client appends
 * {@code _total} to counter names, and Istio's names have no such suffix. PromQL's {@code rate()}
 * works on them all the same.
 */
public final class ControlPlaneMetrics implements XdsObserver {
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Gauge pushes;
  private final Gauge rejects;
  private final Gauge connected;
  private final Gauge configRejections;
  private final Gauge bytesInFlight;
  private final Gauge pushesWaiting;
  private final Gauge budgetWaits;
  private final Histogram pushTime;
  private final Histogram convergence;
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

  public ControlPlaneMetrics() {
    pushes =
        Gauge.builder()
            .name("pilot_xds_pushes")
            .help("Pilot build and send errors for lds, rds, cds and eds (responses sent, by type).")
            .labelNames("type")
            .register(registry);
    rejects =
        Gauge.builder()
            .name("pilot_total_xds_rejects")
            .help("Total number of XDS responses from pilot rejected by proxy.")
            .labelNames("type")
            .register(registry);
    connected =
        Gauge.builder().name("pilot_xds").help("Number of endpoints connected to this pilot using XDS.").register(registry);
    configRejections =
        Gauge.builder()
            .name("trellis_config_rejections")
            .help("Configuration inputs (files, applies) currently rejected; their last good version stays in force.")
            .register(registry);
    bytesInFlight =
        Gauge.builder()
            .name("trellis_xds_response_bytes_in_flight")
            .help("Serialized xDS response bytes sent and not yet answered by the proxy or drained from its stream.")
            .register(registry);
    pushesWaiting =
        Gauge.builder()
            .name("trellis_xds_pushes_waiting_for_budget")
            .help("xDS streams whose next response waits for the server's response budget.")
            .register(registry);
    budgetWaits =
        Gauge.builder()
            .name("trellis_xds_budget_waits")
            .help("xDS responses that had to wait for the server's response budget, by type.")
            .labelNames("type")
            .register(registry);
    pushTime =
        Histogram.builder()
            .name("pilot_xds_push_time")
            .help("Total time in seconds Pilot takes to push lds, rds, cds and eds (per proxy update).")
            .classicOnly()
            .classicUpperBounds(.01, .1, 1, 3, 5, 10, 20, 30)
            .register(registry);
    convergence =
        Histogram.builder()
            .name("pilot_proxy_convergence_time")
            .help("Delay in seconds between config change and a proxy receiving all required configuration.")
            .classicOnly()
            .classicUpperBounds(.1, .5, 1, 3, 5, 10, 20, 30)
            .register(registry);
    for (XdsType t : XdsType.values()) {
      pushes.labelValues(label(t.typeUrl())).set(0);
      rejects.labelValues(label(t.typeUrl())).set(0);
      budgetWaits.labelValues(label(t.typeUrl())).set(0);
    }
  }

  /** Istio's type label: cds, eds, lds, rds; other types by their message name. */
  private static String label(String typeUrl) {
    return XdsType.fromTypeUrl(typeUrl)
        .map(t -> t.shortName().toLowerCase(Locale.ROOT))
        .orElse(typeUrl.substring(typeUrl.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT));
  }

  @Override
  public void connected(ProxyNode node) {
    connected.inc();
  }

  @Override
  public void disconnected(ProxyNode node) {
    connected.dec();
  }

  @Override
  public void pushed(ProxyNode node, String typeUrl, int resourceCount) {
    pushes.labelValues(label(typeUrl)).inc();
  }

  @Override
  public void pushTime(ProxyNode node, Duration elapsed) {
    pushTime.observe(seconds(elapsed));
  }

  @Override
  public void nacked(ProxyNode node, String typeUrl, String error) {
    rejects.labelValues(label(typeUrl)).inc();
  }

  @Override
  public void converged(ProxyNode node, Duration sinceChange) {
    convergence.observe(seconds(sinceChange));
  }

  @Override
  public void responseBudget(long bytes, int waiting) {
    bytesInFlight.set(bytes);
    pushesWaiting.set(waiting);
  }

  @Override
  public void waitedForBudget(ProxyNode node, String typeUrl) {
    budgetWaits.labelValues(label(typeUrl)).inc();
  }

  /** Sets the number of config inputs currently rejected. */
  public void configRejections(int count) {
    configRejections.set(count);
  }

  private static double seconds(Duration d) {
    return d.toNanos() / 1e9;
  }

  /** The Prometheus text exposition content type. */
  public String contentType() {
    return writer.getContentType();
  }

  /** Writes every metric in Prometheus text format. */
  public void writeTo(OutputStream out) throws IOException {
    writer.write(out, registry.scrape());
  }

  /** Every metric in Prometheus text format. */
  public String scrape() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      writeTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
