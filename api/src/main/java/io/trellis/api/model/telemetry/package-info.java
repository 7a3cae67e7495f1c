/**
 * The {@code telemetry.istio.io} kind (v1 and v1alpha1): Telemetry, which chooses tracing,
 * metrics and access-log providers and their overrides per workload.
 */
package io.trellis.api.model.telemetry;
