package io.trellis.bench.proxy;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One (target, load) result. {@code status} is "ok", "error" (the run failed; {@code note} says
 * why and every figure is null) or "not_applicable" (the target cannot take this load).
 * {@code cpu_s_per_1k}, {@code rss_mb} and {@code proxy_cpu_pct} are the proxy process tree's; they
 * are null for {@code direct}, which has no proxy. {@code proxy_core_busy_pct} is how busy the
 * proxy's core was from any process: far above {@code proxy_cpu_pct} means others took the core.
 */
public record ProxyRow(
    @JsonProperty("name") String name,
    @JsonProperty("load") String load,
    @JsonProperty("status") String status,
    @JsonProperty("rps") Double rps,
    @JsonProperty("requests") Long requests,
    @JsonProperty("p50_ms") Double p50Ms,
    @JsonProperty("p90_ms") Double p90Ms,
    @JsonProperty("p99_ms") Double p99Ms,
    @JsonProperty("p999_ms") Double p999Ms,
    @JsonProperty("cpu_s_per_1k") Double cpuSecondsPer1k,
    @JsonProperty("rss_mb") Double rssMb,
    @JsonProperty("errors") Long errors,
    @JsonProperty("proxy_cpu_pct") Double proxyCpuPercent,
    @JsonProperty("proxy_core_busy_pct") Double proxyCoreBusyPercent,
    @JsonProperty("note") String note) {

  public static ProxyRow failed(String name, String load, String reason) {
    return new ProxyRow(name, load, "error", null, null, null, null, null, null, null, null, null, null, null, reason);
  }

  public static ProxyRow notApplicable(String name, String load, String reason) {
    return new ProxyRow(
        name, load, "not_applicable", null, null, null, null, null, null, null, null, null, null, null, reason);
  }
}
