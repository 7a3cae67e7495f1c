package io.trellis.proxy.config.route;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Envoy's {@code route.v3.RetryPolicy}: when a failed attempt is tried again, how often, how long each
 * try may take and how long to wait in between.
 *
 * @param retryOn the conditions (Envoy's {@code retry_on} tokens) that make an attempt retriable
 * @param numRetries retries after the first attempt (Envoy's default 1)
 * @param perTryTimeout a deadline for each attempt, or {@code null} for none
 * @param perTryIdleTimeout how long an attempt may go without response bytes, or {@code null}
 * @param retriableStatusCodes codes retried under {@link RetryOn#RETRIABLE_STATUS_CODES}
 * @param retriableHeaders response header matchers, any of which makes a response retriable under
 *     {@link RetryOn#RETRIABLE_HEADERS}
 * @param previousHosts whether the {@code previous_hosts} host predicate avoids hosts already tried
 * @param hostSelectionRetryMaxAttempts how often to re-pick a host that the predicate rejects
 * @param backOffBase the exponential back-off's base interval (Envoy's default 25 ms)
 * @param backOffMax the back-off's cap (Envoy's default ten times the base)
 */
public record RetryPolicy(
    Set<RetryOn> retryOn,
    int numRetries,
    Duration perTryTimeout,
    Duration perTryIdleTimeout,
    List<Integer> retriableStatusCodes,
    List<HeaderMatcher> retriableHeaders,
    boolean previousHosts,
    int hostSelectionRetryMaxAttempts,
    Duration backOffBase,
    Duration backOffMax) {

  public static final int DEFAULT_NUM_RETRIES = 1;
  public static final Duration DEFAULT_BACK_OFF_BASE = Duration.ofMillis(25);

  /** Envoy's {@code retry_on} conditions, by their configuration tokens. */
  public enum RetryOn {
    FIVE_XX("5xx"),
    GATEWAY_ERROR("gateway-error"),
    RESET("reset"),
    RESET_BEFORE_REQUEST("reset-before-request"),
    CONNECT_FAILURE("connect-failure"),
    RETRIABLE_4XX("retriable-4xx"),
    REFUSED_STREAM("refused-stream"),
    RETRIABLE_STATUS_CODES("retriable-status-codes"),
    RETRIABLE_HEADERS("retriable-headers"),
    GRPC_CANCELLED("cancelled"),
    GRPC_DEADLINE_EXCEEDED("deadline-exceeded"),
    GRPC_INTERNAL("internal"),
    GRPC_RESOURCE_EXHAUSTED("resource-exhausted"),
    GRPC_UNAVAILABLE("unavailable");

    private final String token;

    RetryOn(String token) {
      this.token = token;
    }

    public String token() {
      return token;
    }

    /** The condition for one {@code retry_on} token, or {@code null} when the token is unknown. */
    public static RetryOn of(String token) {
      String t = token.trim().toLowerCase(Locale.ROOT);
      for (RetryOn r : values()) {
        if (r.token.equals(t)) {
          return r;
        }
      }
      return null;
    }

    /**
     * Parses a comma-separated {@code retry_on} value; unknown tokens are skipped, as Envoy does for
     * the {@code x-envoy-retry-on} header.
     */
    public static Set<RetryOn> parseList(String value) {
      EnumSet<RetryOn> set = EnumSet.noneOf(RetryOn.class);
      for (String token : value.split(",")) {
        RetryOn r = of(token);
        if (r != null) {
          set.add(r);
        }
      }
      return set;
    }
  }

  public RetryPolicy {
    retryOn = retryOn == null || retryOn.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(retryOn));
    if (numRetries < 0) {
      throw new IllegalArgumentException("retry_policy.num_retries: " + numRetries + " (expected: >= 0)");
    }
    Check.nonNegative("retry_policy.per_try_timeout", perTryTimeout);
    Check.nonNegative("retry_policy.per_try_idle_timeout", perTryIdleTimeout);
    perTryTimeout = perTryTimeout == null || perTryTimeout.isZero() ? null : perTryTimeout;
    perTryIdleTimeout = perTryIdleTimeout == null || perTryIdleTimeout.isZero() ? null : perTryIdleTimeout;
    retriableStatusCodes = Check.list("retry_policy.retriable_status_codes", retriableStatusCodes);
    for (int i = 0; i < retriableStatusCodes.size(); i++) {
      int c = retriableStatusCodes.get(i);
      if (c < 100 || c > 599) {
        throw new IllegalArgumentException(
            "retry_policy.retriable_status_codes[" + i + "]: " + c + " (expected: 100..599)");
      }
    }
    retriableHeaders = Check.list("retry_policy.retriable_headers", retriableHeaders);
    if (hostSelectionRetryMaxAttempts < 1) {
      throw new IllegalArgumentException("retry_policy.host_selection_retry_max_attempts: "
          + hostSelectionRetryMaxAttempts + " (expected: >= 1)");
    }
    backOffBase = backOffBase == null ? DEFAULT_BACK_OFF_BASE : backOffBase;
    if (backOffBase.isNegative() || backOffBase.isZero()) {
      throw new IllegalArgumentException(
          "retry_policy.retry_back_off.base_interval: " + backOffBase + " (expected: > 0)");
    }
    backOffMax = backOffMax == null ? backOffBase.multipliedBy(10) : backOffMax;
    if (backOffMax.compareTo(backOffBase) < 0) {
      throw new IllegalArgumentException("retry_policy.retry_back_off.max_interval: " + backOffMax
          + " (expected: >= base_interval " + backOffBase + ")");
    }
  }

  /** A policy with Envoy's defaults for everything but the conditions. */
  public static RetryPolicy on(Set<RetryOn> retryOn) {
    return builder().retryOn(retryOn).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder()
        .retryOn(retryOn)
        .numRetries(numRetries)
        .perTryTimeout(perTryTimeout)
        .perTryIdleTimeout(perTryIdleTimeout)
        .retriableStatusCodes(retriableStatusCodes)
        .retriableHeaders(retriableHeaders)
        .previousHosts(previousHosts)
        .hostSelectionRetryMaxAttempts(hostSelectionRetryMaxAttempts)
        .backOff(backOffBase, backOffMax);
  }

  /** Builds a {@link RetryPolicy} with Envoy's defaults. */
  public static final class Builder {
    private Set<RetryOn> retryOn = Set.of();
    private int numRetries = DEFAULT_NUM_RETRIES;
    private Duration perTryTimeout;
    private Duration perTryIdleTimeout;
    private List<Integer> retriableStatusCodes = List.of();
    private List<HeaderMatcher> retriableHeaders = List.of();
    private boolean previousHosts;
    private int hostSelectionRetryMaxAttempts = 1;
    private Duration backOffBase;
    private Duration backOffMax;

    private Builder() {}

    public Builder retryOn(Set<RetryOn> v) {
      retryOn = v;
      return this;
    }

    public Builder numRetries(int v) {
      numRetries = v;
      return this;
    }

    public Builder perTryTimeout(Duration v) {
      perTryTimeout = v;
      return this;
    }

    public Builder perTryIdleTimeout(Duration v) {
      perTryIdleTimeout = v;
      return this;
    }

    public Builder retriableStatusCodes(List<Integer> v) {
      retriableStatusCodes = v;
      return this;
    }

    public Builder retriableHeaders(List<HeaderMatcher> v) {
      retriableHeaders = v;
      return this;
    }

    public Builder previousHosts(boolean v) {
      previousHosts = v;
      return this;
    }

    public Builder hostSelectionRetryMaxAttempts(int v) {
      hostSelectionRetryMaxAttempts = v;
      return this;
    }

    /** {@code max} may be {@code null} for ten times {@code base}; {@code base} {@code null} for 25 ms. */
    public Builder backOff(Duration base, Duration max) {
      backOffBase = base;
      backOffMax = max;
      return this;
    }

    public RetryPolicy build() {
      return new RetryPolicy(retryOn, numRetries, perTryTimeout, perTryIdleTimeout, retriableStatusCodes,
          retriableHeaders, previousHosts, hostSelectionRetryMaxAttempts, backOffBase, backOffMax);
    }
  }
}
