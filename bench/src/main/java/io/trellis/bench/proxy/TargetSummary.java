package io.trellis.bench.proxy;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Per-target figures that are not per load: how long from process start to the first proxied 200,
 * and resident memory idle (right after that 200) and under load (the most seen during any load).
 */
public record TargetSummary(
    @JsonProperty("name") String name,
    @JsonProperty("status") String status,
    @JsonProperty("error") String error,
    @JsonProperty("start_to_first_200_ms") Double startToFirst200Ms,
    @JsonProperty("rss_idle_mb") Double rssIdleMb,
    @JsonProperty("rss_load_mb") Double rssLoadMb) {}
