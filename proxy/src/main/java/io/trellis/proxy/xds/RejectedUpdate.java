package io.trellis.proxy.xds;

import com.google.protobuf.Any;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The last update of one type that was NACKed: what Envoy reports as {@code error_state}.
 *
 * @param version the version the server offered
 * @param failedResources the resources that failed validation, by name, as received
 * @param details every validation message, joined
 */
public record RejectedUpdate(String version, Instant at, Map<String, Any> failedResources, String details, List<String> errors) {
  public RejectedUpdate {
    failedResources = Map.copyOf(failedResources);
    errors = List.copyOf(errors);
  }
}
