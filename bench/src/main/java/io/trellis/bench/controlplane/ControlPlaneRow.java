package io.trellis.bench.controlplane;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * One phase of a control-plane run: {@code initial} (every proxy connects and fetches everything),
 * {@code vs-change} (one VirtualService edited) or {@code endpoint-change} (one endpoint moved).
 * Latencies are per proxy: from stream open to full config for {@code initial}, from the file write
 * to the proxy holding the change otherwise. {@code converged} counts the proxies that got there
 * within the deadline. CPU seconds, heap and RSS are the control-plane process's; {@code
 * harness_cpu_s} is what the simulated proxies themselves burned, to show when they, not the
 * control plane, set the pace.
 */
public record ControlPlaneRow(
    @JsonProperty("name") String name,
    @JsonProperty("mode") String mode,
    @JsonProperty("phase") String phase,
    @JsonProperty("status") String status,
    @JsonProperty("services") int services,
    @JsonProperty("proxies") int proxies,
    @JsonProperty("converged") Integer converged,
    @JsonProperty("p50_ms") Double p50Ms,
    @JsonProperty("p99_ms") Double p99Ms,
    @JsonProperty("max_ms") Double maxMs,
    @JsonProperty("responses") Map<String, Long> responses,
    @JsonProperty("resources") Map<String, Long> resources,
    @JsonProperty("bytes") Map<String, Long> bytes,
    @JsonProperty("cpu_s") Double cpuSeconds,
    @JsonProperty("harness_cpu_s") Double harnessCpuSeconds,
    @JsonProperty("heap_mb") Double heapMb,
    @JsonProperty("rss_mb") Double rssMb,
    @JsonProperty("nacks") Integer nacks,
    @JsonProperty("errors") Integer errors,
    @JsonProperty("note") String note) {

  static ControlPlaneRow failed(String name, String mode, String phase, int services, int proxies, String reason) {
    return new ControlPlaneRow(
        name, mode, phase, "error", services, proxies, null, null, null, null, null, null, null, null, null, null, null,
        null, null, reason);
  }
}
