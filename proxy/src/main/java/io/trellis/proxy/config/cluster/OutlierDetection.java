package io.trellis.proxy.config.cluster;

import java.time.Duration;

/**
 * A cluster's {@code outlier_detection} (Envoy's {@code cluster.v3.OutlierDetection}); every field takes
 * Envoy's default when absent. Percentages are 0..100; {@code enforcing*} fields are the chance that a
 * detected outlier is actually ejected.
 *
 * @param consecutive5xx {@code consecutive_5xx}, default 5
 * @param consecutiveGatewayFailure {@code consecutive_gateway_failure} (502, 503, 504), default 5
 * @param consecutiveLocalOriginFailure {@code consecutive_local_origin_failure}, default 5 (only with
 *     {@code splitExternalLocalOriginErrors})
 * @param interval {@code interval}, default 10 s: how often success rate and failure percentage are
 *     evaluated and ejected hosts considered for return
 * @param baseEjectionTime {@code base_ejection_time}, default 30 s, multiplied by the host's ejection count
 * @param maxEjectionTime {@code max_ejection_time}, default 300 s: the cap of an ejection
 * @param maxEjectionPercent {@code max_ejection_percent}, default 10
 * @param alwaysEjectOneHost {@code always_eject_one_host}: eject one host even when max_ejection_percent forbids it
 * @param enforcingConsecutive5xx default 100
 * @param enforcingConsecutiveGatewayFailure default 0
 * @param enforcingConsecutiveLocalOriginFailure default 100
 * @param enforcingSuccessRate default 100
 * @param enforcingLocalOriginSuccessRate default 100
 * @param enforcingFailurePercentage default 0
 * @param enforcingFailurePercentageLocalOrigin default 0
 * @param successRateMinimumHosts default 5
 * @param successRateRequestVolume default 100
 * @param successRateStdevFactor default 1900 (the factor × 1000)
 * @param failurePercentageThreshold default 85
 * @param failurePercentageMinimumHosts default 5
 * @param failurePercentageRequestVolume default 50
 * @param splitExternalLocalOriginErrors {@code split_external_local_origin_errors}: count connect failures,
 *     resets and timeouts apart from the upstream's own 5xx answers
 * @param successfulActiveHealthCheckUnejectHost {@code successful_active_health_check_uneject_host},
 *     default true: with active health checking, a passed check returns an ejected host at once
 */
public record OutlierDetection(
    int consecutive5xx,
    int consecutiveGatewayFailure,
    int consecutiveLocalOriginFailure,
    Duration interval,
    Duration baseEjectionTime,
    Duration maxEjectionTime,
    int maxEjectionPercent,
    boolean alwaysEjectOneHost,
    int enforcingConsecutive5xx,
    int enforcingConsecutiveGatewayFailure,
    int enforcingConsecutiveLocalOriginFailure,
    int enforcingSuccessRate,
    int enforcingLocalOriginSuccessRate,
    int enforcingFailurePercentage,
    int enforcingFailurePercentageLocalOrigin,
    int successRateMinimumHosts,
    int successRateRequestVolume,
    int successRateStdevFactor,
    int failurePercentageThreshold,
    int failurePercentageMinimumHosts,
    int failurePercentageRequestVolume,
    boolean splitExternalLocalOriginErrors,
    boolean successfulActiveHealthCheckUnejectHost) {

  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
  public static final Duration DEFAULT_BASE_EJECTION_TIME = Duration.ofSeconds(30);
  public static final Duration DEFAULT_MAX_EJECTION_TIME = Duration.ofSeconds(300);

  /** Envoy's defaults (what {@code outlier_detection: {}} means). */
  public static final OutlierDetection DEFAULT = builder().build();

  public OutlierDetection {
    positive("interval", interval);
    positive("base_ejection_time", baseEjectionTime);
    positive("max_ejection_time", maxEjectionTime);
    percent("max_ejection_percent", maxEjectionPercent);
    percent("enforcing_consecutive_5xx", enforcingConsecutive5xx);
    percent("enforcing_consecutive_gateway_failure", enforcingConsecutiveGatewayFailure);
    percent("enforcing_consecutive_local_origin_failure", enforcingConsecutiveLocalOriginFailure);
    percent("enforcing_success_rate", enforcingSuccessRate);
    percent("enforcing_local_origin_success_rate", enforcingLocalOriginSuccessRate);
    percent("enforcing_failure_percentage", enforcingFailurePercentage);
    percent("enforcing_failure_percentage_local_origin", enforcingFailurePercentageLocalOrigin);
    percent("failure_percentage_threshold", failurePercentageThreshold);
    nonNegative("consecutive_5xx", consecutive5xx);
    nonNegative("consecutive_gateway_failure", consecutiveGatewayFailure);
    nonNegative("consecutive_local_origin_failure", consecutiveLocalOriginFailure);
    nonNegative("success_rate_minimum_hosts", successRateMinimumHosts);
    nonNegative("success_rate_request_volume", successRateRequestVolume);
    nonNegative("success_rate_stdev_factor", successRateStdevFactor);
    nonNegative("failure_percentage_minimum_hosts", failurePercentageMinimumHosts);
    nonNegative("failure_percentage_request_volume", failurePercentageRequestVolume);
  }

  private static void positive(String field, Duration d) {
    if (d == null || d.toMillis() < 1) {
      throw new IllegalArgumentException(field + ": " + d + " (expected: >= 1ms)");
    }
  }

  private static void percent(String field, int v) {
    if (v < 0 || v > 100) {
      throw new IllegalArgumentException(field + ": " + v + " (expected: 0..100)");
    }
  }

  private static void nonNegative(String field, int v) {
    if (v < 0) {
      throw new IllegalArgumentException(field + ": " + v + " (expected: >= 0)");
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Starts from Envoy's defaults; {@link #build()} validates. */
  public static final class Builder {
    private int consecutive5xx = 5;
    private int consecutiveGatewayFailure = 5;
    private int consecutiveLocalOriginFailure = 5;
    private Duration interval = DEFAULT_INTERVAL;
    private Duration baseEjectionTime = DEFAULT_BASE_EJECTION_TIME;
    private Duration maxEjectionTime = DEFAULT_MAX_EJECTION_TIME;
    private int maxEjectionPercent = 10;
    private boolean alwaysEjectOneHost;
    private int enforcingConsecutive5xx = 100;
    private int enforcingConsecutiveGatewayFailure = 0;
    private int enforcingConsecutiveLocalOriginFailure = 100;
    private int enforcingSuccessRate = 100;
    private int enforcingLocalOriginSuccessRate = 100;
    private int enforcingFailurePercentage = 0;
    private int enforcingFailurePercentageLocalOrigin = 0;
    private int successRateMinimumHosts = 5;
    private int successRateRequestVolume = 100;
    private int successRateStdevFactor = 1900;
    private int failurePercentageThreshold = 85;
    private int failurePercentageMinimumHosts = 5;
    private int failurePercentageRequestVolume = 50;
    private boolean splitExternalLocalOriginErrors;
    private boolean successfulActiveHealthCheckUnejectHost = true;

    private Builder() {}

    public Builder consecutive5xx(int v) { consecutive5xx = v; return this; }
    public Builder consecutiveGatewayFailure(int v) { consecutiveGatewayFailure = v; return this; }
    public Builder consecutiveLocalOriginFailure(int v) { consecutiveLocalOriginFailure = v; return this; }
    public Builder interval(Duration v) { interval = v; return this; }
    public Builder baseEjectionTime(Duration v) { baseEjectionTime = v; return this; }
    public Builder maxEjectionTime(Duration v) { maxEjectionTime = v; return this; }
    public Builder maxEjectionPercent(int v) { maxEjectionPercent = v; return this; }
    public Builder alwaysEjectOneHost(boolean v) { alwaysEjectOneHost = v; return this; }
    public Builder enforcingConsecutive5xx(int v) { enforcingConsecutive5xx = v; return this; }
    public Builder enforcingConsecutiveGatewayFailure(int v) { enforcingConsecutiveGatewayFailure = v; return this; }
    public Builder enforcingConsecutiveLocalOriginFailure(int v) { enforcingConsecutiveLocalOriginFailure = v; return this; }
    public Builder enforcingSuccessRate(int v) { enforcingSuccessRate = v; return this; }
    public Builder enforcingLocalOriginSuccessRate(int v) { enforcingLocalOriginSuccessRate = v; return this; }
    public Builder enforcingFailurePercentage(int v) { enforcingFailurePercentage = v; return this; }
    public Builder enforcingFailurePercentageLocalOrigin(int v) { enforcingFailurePercentageLocalOrigin = v; return this; }
    public Builder successRateMinimumHosts(int v) { successRateMinimumHosts = v; return this; }
    public Builder successRateRequestVolume(int v) { successRateRequestVolume = v; return this; }
    public Builder successRateStdevFactor(int v) { successRateStdevFactor = v; return this; }
    public Builder failurePercentageThreshold(int v) { failurePercentageThreshold = v; return this; }
    public Builder failurePercentageMinimumHosts(int v) { failurePercentageMinimumHosts = v; return this; }
    public Builder failurePercentageRequestVolume(int v) { failurePercentageRequestVolume = v; return this; }
    public Builder splitExternalLocalOriginErrors(boolean v) { splitExternalLocalOriginErrors = v; return this; }
    public Builder successfulActiveHealthCheckUnejectHost(boolean v) { successfulActiveHealthCheckUnejectHost = v; return this; }

    public OutlierDetection build() {
      return new OutlierDetection(consecutive5xx, consecutiveGatewayFailure, consecutiveLocalOriginFailure, interval,
          baseEjectionTime, maxEjectionTime, maxEjectionPercent, alwaysEjectOneHost, enforcingConsecutive5xx,
          enforcingConsecutiveGatewayFailure, enforcingConsecutiveLocalOriginFailure, enforcingSuccessRate,
          enforcingLocalOriginSuccessRate, enforcingFailurePercentage, enforcingFailurePercentageLocalOrigin,
          successRateMinimumHosts, successRateRequestVolume, successRateStdevFactor, failurePercentageThreshold,
          failurePercentageMinimumHosts, failurePercentageRequestVolume, splitExternalLocalOriginErrors,
          successfulActiveHealthCheckUnejectHost);
    }
  }
}
