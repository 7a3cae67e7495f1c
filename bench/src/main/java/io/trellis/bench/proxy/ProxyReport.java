package io.trellis.bench.proxy;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.trellis.bench.report.Machine;
import java.util.List;
import java.util.Map;

/** The JSON document a {@code bench proxy} run writes. */
public record ProxyReport(
    @JsonProperty("scenario") String scenario,
    @JsonProperty("started_at") String startedAt,
    @JsonProperty("quick") boolean quick,
    @JsonProperty("machine") Machine machine,
    @JsonProperty("setup") Map<String, String> setup,
    @JsonProperty("targets") List<TargetSummary> targets,
    @JsonProperty("rows") List<ProxyRow> rows) {}
