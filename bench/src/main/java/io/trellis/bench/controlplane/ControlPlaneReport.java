package io.trellis.bench.controlplane;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.trellis.bench.report.Machine;
import java.util.List;
import java.util.Map;

/** The JSON document a {@code bench control-plane} run writes. */
public record ControlPlaneReport(
    @JsonProperty("scenario") String scenario,
    @JsonProperty("started_at") String startedAt,
    @JsonProperty("quick") boolean quick,
    @JsonProperty("machine") Machine machine,
    @JsonProperty("setup") Map<String, String> setup,
    @JsonProperty("start_to_xds_port_ms") Double startToXdsPortMs,
    @JsonProperty("rows") List<ControlPlaneRow> rows) {}
