package io.trellis.proxy.outlier;

/** Why a host was found an outlier; names the {@code ejections_*} stats as Envoy does. */
public enum EjectionType {
  CONSECUTIVE_5XX("consecutive_5xx"),
  CONSECUTIVE_GATEWAY_FAILURE("consecutive_gateway_failure"),
  CONSECUTIVE_LOCAL_ORIGIN_FAILURE("consecutive_local_origin_failure"),
  SUCCESS_RATE("success_rate"),
  LOCAL_ORIGIN_SUCCESS_RATE("local_origin_success_rate"),
  FAILURE_PERCENTAGE("failure_percentage"),
  LOCAL_ORIGIN_FAILURE_PERCENTAGE("local_origin_failure_percentage");

  final String statName;

  EjectionType(String statName) {
    this.statName = statName;
  }
}
