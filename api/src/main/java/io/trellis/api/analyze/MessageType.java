package io.trellis.api.analyze;

/**
 * The kinds of finding, with Istio's code and level where Istio defines the same check, so that a
 * code means the same thing in {@code trellis analyze} and {@code istioctl analyze}.
 */
public enum MessageType {
  REFERENCED_RESOURCE_NOT_FOUND("IST0101", Level.ERROR),
  NAMESPACE_NOT_INJECTED("IST0102", Level.INFO),
  CONFLICTING_MESH_GATEWAY_VIRTUAL_SERVICE_HOSTS("IST0109", Level.ERROR),
  CONFLICTING_SIDECAR_WORKLOAD_SELECTORS("IST0110", Level.ERROR),
  MULTIPLE_SIDECARS_WITHOUT_WORKLOAD_SELECTORS("IST0111", Level.ERROR),
  VIRTUAL_SERVICE_DESTINATION_PORT_SELECTOR_REQUIRED("IST0112", Level.ERROR),
  MTLS_POLICY_CONFLICT("IST0113", Level.ERROR),
  PORT_NAME_IS_NOT_UNDER_NAMING_CONVENTION("IST0118", Level.INFO),
  NO_MATCHING_WORKLOADS_FOUND("IST0127", Level.WARNING),
  NO_SERVER_CERTIFICATE_VERIFICATION_DESTINATION_LEVEL("IST0128", Level.WARNING),
  VIRTUAL_SERVICE_UNREACHABLE_RULE("IST0130", Level.WARNING),
  VIRTUAL_SERVICE_INEFFECTIVE_MATCH("IST0131", Level.INFO),
  VIRTUAL_SERVICE_HOST_NOT_FOUND_IN_GATEWAY("IST0132", Level.WARNING),
  SERVICE_ENTRY_ADDRESSES_REQUIRED("IST0134", Level.WARNING),
  CONFLICTING_GATEWAYS("IST0145", Level.ERROR),
  /** Istio has no analyzer for this; a subset that selects nothing turns into 503s (no healthy upstream). */
  DESTINATION_RULE_SUBSET_SELECTS_NO_WORKLOAD("TRL0001", Level.WARNING);

  private final String code;
  private final Level level;

  MessageType(String code, Level level) {
    this.code = code;
    this.level = level;
  }

  public String code() {
    return code;
  }

  public Level level() {
    return level;
  }
}
