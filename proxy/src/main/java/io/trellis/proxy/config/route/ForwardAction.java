package io.trellis.proxy.config.route;

import java.time.Duration;
import java.util.List;

/**
 * Envoy's {@code RouteAction} (named here for what it does: forward upstream).
 *
 * @param cluster which cluster
 * @param prefixRewrite replaces the matched prefix (or matched path), or {@code null}
 * @param regexRewrite rewrites the path by regex, or {@code null}; at most one of the two rewrites
 * @param hostRewrite how to rewrite Host/:authority, or {@code null} to keep it
 * @param timeout the whole-request timeout, {@link Duration#ZERO} disables it (Envoy's default 15 s)
 * @param idleTimeout the stream idle timeout for this route, or {@code null} for the connection
 *     manager's
 * @param grpcTimeoutHeaderMax Envoy's {@code max_stream_duration.grpc_timeout_header_max}: when set,
 *     a request's {@code grpc-timeout} replaces {@code timeout}, capped by this value (zero: no cap);
 *     when {@code null}, {@code grpc-timeout} can only shorten {@code timeout}
 * @param hashPolicies hashed in order into the load balancer's hash
 * @param retryPolicy when and how failed attempts are retried (the route's, else its virtual host's),
 *     or {@code null} for no retries
 * @param requestMirrorPolicies shadow clusters that get a fire-and-forget copy of the request
 * @param maxStreamDuration Envoy's {@code max_stream_duration.max_stream_duration}: the longest a
 *     request may last, or {@code null} for none
 * @param includeAttemptCountInRequest send {@code x-envoy-attempt-count} upstream (the virtual host's
 *     {@code include_request_attempt_count})
 * @param includeAttemptCountInResponse send {@code x-envoy-attempt-count} downstream (the virtual
 *     host's {@code include_attempt_count_in_response})
 * @param includeIsTimeoutRetryHeader send {@code x-envoy-is-timeout-retry} on retries (the virtual
 *     host's {@code include_is_timeout_retry_header})
 * @param bufferLimitBytes how much request body may be held for retries and mirrors (Envoy's
 *     {@code per_request_buffer_limit_bytes}; default 1 MiB, as Envoy's connection buffer limit)
 */
public record ForwardAction(
    ClusterSpecifier cluster,
    String prefixRewrite,
    RegexRewrite regexRewrite,
    HostRewrite hostRewrite,
    Duration timeout,
    Duration idleTimeout,
    Duration grpcTimeoutHeaderMax,
    List<HashPolicy> hashPolicies,
    RetryPolicy retryPolicy,
    List<RequestMirrorPolicy> requestMirrorPolicies,
    Duration maxStreamDuration,
    boolean includeAttemptCountInRequest,
    boolean includeAttemptCountInResponse,
    boolean includeIsTimeoutRetryHeader,
    int bufferLimitBytes)
    implements RouteAction {

  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);
  public static final int DEFAULT_BUFFER_LIMIT_BYTES = 1024 * 1024;

  public ForwardAction {
    Check.notNull("route.cluster_specifier", cluster);
    if (prefixRewrite != null && regexRewrite != null) {
      throw new IllegalArgumentException(
          "route.prefix_rewrite: '" + prefixRewrite + "' (expected: not together with regex_rewrite)");
    }
    timeout = timeout == null ? DEFAULT_TIMEOUT : Check.nonNegative("route.timeout", timeout);
    Check.nonNegative("route.idle_timeout", idleTimeout);
    Check.nonNegative("route.max_stream_duration.grpc_timeout_header_max", grpcTimeoutHeaderMax);
    hashPolicies = Check.list("route.hash_policy", hashPolicies);
    requestMirrorPolicies = Check.list("route.request_mirror_policies", requestMirrorPolicies);
    Check.nonNegative("route.max_stream_duration.max_stream_duration", maxStreamDuration);
    maxStreamDuration = maxStreamDuration == null || maxStreamDuration.isZero() ? null : maxStreamDuration;
    if (bufferLimitBytes < 0) {
      throw new IllegalArgumentException(
          "route.per_request_buffer_limit_bytes: " + bufferLimitBytes + " (expected: >= 0)");
    }
    bufferLimitBytes = bufferLimitBytes == 0 ? DEFAULT_BUFFER_LIMIT_BYTES : bufferLimitBytes;
  }

  /** Forward to one cluster with Envoy's defaults. */
  public static ForwardAction to(String cluster) {
    return builder(new ClusterSpecifier.Cluster(cluster)).build();
  }

  public static Builder builder(ClusterSpecifier cluster) {
    return new Builder(cluster);
  }

  public Builder toBuilder() {
    return new Builder(cluster)
        .prefixRewrite(prefixRewrite)
        .regexRewrite(regexRewrite)
        .hostRewrite(hostRewrite)
        .timeout(timeout)
        .idleTimeout(idleTimeout)
        .grpcTimeoutHeaderMax(grpcTimeoutHeaderMax)
        .hashPolicies(hashPolicies)
        .retryPolicy(retryPolicy)
        .requestMirrorPolicies(requestMirrorPolicies)
        .maxStreamDuration(maxStreamDuration)
        .includeAttemptCount(includeAttemptCountInRequest, includeAttemptCountInResponse)
        .includeIsTimeoutRetryHeader(includeIsTimeoutRetryHeader)
        .bufferLimitBytes(bufferLimitBytes);
  }

  /** Builds a {@link ForwardAction}; fields added later keep their defaults here, so callers keep compiling. */
  public static final class Builder {
    private final ClusterSpecifier cluster;
    private String prefixRewrite;
    private RegexRewrite regexRewrite;
    private HostRewrite hostRewrite;
    private Duration timeout = DEFAULT_TIMEOUT;
    private Duration idleTimeout;
    private Duration grpcTimeoutHeaderMax;
    private List<HashPolicy> hashPolicies = List.of();
    private RetryPolicy retryPolicy;
    private List<RequestMirrorPolicy> requestMirrorPolicies = List.of();
    private Duration maxStreamDuration;
    private boolean includeAttemptCountInRequest;
    private boolean includeAttemptCountInResponse;
    private boolean includeIsTimeoutRetryHeader;
    private int bufferLimitBytes;

    private Builder(ClusterSpecifier cluster) {
      this.cluster = cluster;
    }

    public Builder prefixRewrite(String v) {
      prefixRewrite = v;
      return this;
    }

    public Builder regexRewrite(RegexRewrite v) {
      regexRewrite = v;
      return this;
    }

    public Builder hostRewrite(HostRewrite v) {
      hostRewrite = v;
      return this;
    }

    public Builder timeout(Duration v) {
      timeout = v;
      return this;
    }

    public Builder idleTimeout(Duration v) {
      idleTimeout = v;
      return this;
    }

    public Builder grpcTimeoutHeaderMax(Duration v) {
      grpcTimeoutHeaderMax = v;
      return this;
    }

    public Builder hashPolicies(List<HashPolicy> v) {
      hashPolicies = v;
      return this;
    }

    public Builder retryPolicy(RetryPolicy v) {
      retryPolicy = v;
      return this;
    }

    public Builder requestMirrorPolicies(List<RequestMirrorPolicy> v) {
      requestMirrorPolicies = v;
      return this;
    }

    public Builder maxStreamDuration(Duration v) {
      maxStreamDuration = v;
      return this;
    }

    public Builder includeAttemptCount(boolean inRequest, boolean inResponse) {
      includeAttemptCountInRequest = inRequest;
      includeAttemptCountInResponse = inResponse;
      return this;
    }

    public Builder includeIsTimeoutRetryHeader(boolean v) {
      includeIsTimeoutRetryHeader = v;
      return this;
    }

    /** Zero means the default (1 MiB). */
    public Builder bufferLimitBytes(int v) {
      bufferLimitBytes = v;
      return this;
    }

    public ForwardAction build() {
      return new ForwardAction(cluster, prefixRewrite, regexRewrite, hostRewrite, timeout, idleTimeout,
          grpcTimeoutHeaderMax, hashPolicies, retryPolicy, requestMirrorPolicies, maxStreamDuration,
          includeAttemptCountInRequest, includeAttemptCountInResponse, includeIsTimeoutRetryHeader, bufferLimitBytes);
    }
  }
}
