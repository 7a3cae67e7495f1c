package io.trellis.api.model.networking;

import java.time.Duration;

/** Istio's {@code OutlierDetection}: ejection of failing endpoints. */
public record OutlierDetection(
    boolean splitExternalLocalOriginErrors,
    Integer consecutiveLocalOriginFailures,
    Integer consecutiveGatewayErrors,
    Integer consecutive5xxErrors,
    Duration interval,
    Duration baseEjectionTime,
    int maxEjectionPercent,
    int minHealthPercent,
    int consecutiveErrors) {}
