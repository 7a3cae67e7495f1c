package io.trellis.proxy.config.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One entry of a cluster's {@code health_checks} (Envoy's {@code core.v3.HealthCheck}): HTTP (over
 * HTTP/1.1 or HTTP/2), gRPC or TCP.
 *
 * @param timeout {@code timeout}: a check not answered within it fails
 * @param interval {@code interval} between checks of a healthy host
 * @param initialJitter {@code initial_jitter}: the first check waits a random time up to this
 * @param intervalJitter {@code interval_jitter}: a random time up to this is added to every interval
 * @param intervalJitterPercent {@code interval_jitter_percent}: a random share up to this of the interval is added
 * @param unhealthyThreshold {@code unhealthy_threshold}: consecutive failed checks (timeouts, connection
 *     failures) that mark a host unhealthy; an unexpected HTTP status marks it at once, as in Envoy
 * @param healthyThreshold {@code healthy_threshold}: consecutive passed checks that mark an unhealthy host
 *     healthy again (a new host needs one)
 * @param noTrafficInterval {@code no_traffic_interval}, default 60 s: the interval while the cluster
 *     has never opened a connection for traffic
 * @param unhealthyInterval {@code unhealthy_interval}, default {@code interval}: between checks of an unhealthy host
 * @param protocol what a check sends and expects
 * @param reuseConnection {@code reuse_connection}, default true: HTTP and gRPC checks keep their connection
 *     (over HTTP/2, one stream per check)
 */
public record HealthCheck(
    Duration timeout,
    Duration interval,
    Duration initialJitter,
    Duration intervalJitter,
    int intervalJitterPercent,
    int unhealthyThreshold,
    int healthyThreshold,
    Duration noTrafficInterval,
    Duration unhealthyInterval,
    Protocol protocol,
    boolean reuseConnection) {

  public static final Duration DEFAULT_NO_TRAFFIC_INTERVAL = Duration.ofSeconds(60);

  public HealthCheck {
    positive("timeout", timeout);
    positive("interval", interval);
    nonNegative("initial_jitter", initialJitter);
    nonNegative("interval_jitter", intervalJitter);
    if (intervalJitterPercent < 0 || intervalJitterPercent > 100) {
      throw new IllegalArgumentException("interval_jitter_percent: " + intervalJitterPercent + " (expected: 0..100)");
    }
    if (unhealthyThreshold < 1) {
      throw new IllegalArgumentException("unhealthy_threshold: " + unhealthyThreshold + " (expected: >= 1)");
    }
    if (healthyThreshold < 1) {
      throw new IllegalArgumentException("healthy_threshold: " + healthyThreshold + " (expected: >= 1)");
    }
    positive("no_traffic_interval", noTrafficInterval);
    positive("unhealthy_interval", unhealthyInterval);
    Objects.requireNonNull(protocol, "health_checker (expected: http_health_check, grpc_health_check or tcp_health_check)");
  }

  private static void positive(String field, Duration d) {
    if (d == null || d.toMillis() < 1) {
      throw new IllegalArgumentException(field + ": " + d + " (expected: >= 1ms)");
    }
  }

  private static void nonNegative(String field, Duration d) {
    if (d == null || d.isNegative()) {
      throw new IllegalArgumentException(field + ": " + d + " (expected: >= 0s)");
    }
  }

  /** A check with the given timing and protocol and Envoy's defaults for the rest. */
  public static HealthCheck of(Duration timeout, Duration interval, int unhealthyThreshold, int healthyThreshold,
      Protocol protocol) {
    return new HealthCheck(timeout, interval, Duration.ZERO, Duration.ZERO, 0, unhealthyThreshold, healthyThreshold,
        DEFAULT_NO_TRAFFIC_INTERVAL, interval, protocol, true);
  }

  public HealthCheck withNoTrafficInterval(Duration value) {
    return new HealthCheck(timeout, interval, initialJitter, intervalJitter, intervalJitterPercent, unhealthyThreshold,
        healthyThreshold, value, unhealthyInterval, protocol, reuseConnection);
  }

  public HealthCheck withJitter(Duration initial, Duration everyInterval, int percent) {
    return new HealthCheck(timeout, interval, initial, everyInterval, percent, unhealthyThreshold, healthyThreshold,
        noTrafficInterval, unhealthyInterval, protocol, reuseConnection);
  }

  public HealthCheck withUnhealthyInterval(Duration value) {
    return new HealthCheck(timeout, interval, initialJitter, intervalJitter, intervalJitterPercent, unhealthyThreshold,
        healthyThreshold, noTrafficInterval, value, protocol, reuseConnection);
  }

  public HealthCheck withReuseConnection(boolean value) {
    return new HealthCheck(timeout, interval, initialJitter, intervalJitter, intervalJitterPercent, unhealthyThreshold,
        healthyThreshold, noTrafficInterval, unhealthyInterval, protocol, value);
  }

  /** What a check sends and what counts as a pass. */
  public sealed interface Protocol permits Http, Grpc, Tcp {}

  /**
   * {@code grpc_health_check}: {@code grpc.health.v1.Health/Check} over HTTP/2 (cleartext, prior
   * knowledge); the host passes when the call ends with status OK and the answer says SERVING. Any
   * other answer fails it at once; no answer (reset, timeout) counts toward {@code unhealthy_threshold}.
   *
   * @param serviceName {@code service_name}: the service asked about; empty asks about the server as a whole
   * @param authority {@code authority}: the {@code :authority} of the call; empty means the cluster's name
   * @param initialMetadata {@code initial_metadata}: headers added to the call
   */
  public record Grpc(String serviceName, String authority, Map<String, String> initialMetadata) implements Protocol {
    public Grpc {
      Objects.requireNonNull(serviceName, "grpc_health_check.service_name");
      Objects.requireNonNull(authority, "grpc_health_check.authority");
      initialMetadata = Map.copyOf(initialMetadata);
    }

    public static Grpc service(String serviceName) {
      return new Grpc(serviceName, "", Map.of());
    }
  }

  /**
   * {@code http_health_check}: a GET over HTTP/1.1, or over HTTP/2 with {@code codec_client_type: HTTP2}.
   *
   * @param path {@code path}, non-empty
   * @param host {@code host}: the Host header; empty means the cluster's name
   * @param expectedStatuses {@code expected_statuses} as half-open ranges [start, end); default [200, 400)
   * @param retriableStatuses {@code retriable_statuses}: unexpected statuses that count toward
   *     {@code unhealthy_threshold} instead of failing the host at once
   * @param requestHeaders {@code request_headers_to_add}
   * @param http2 {@code codec_client_type: HTTP2}: the check is an HTTP/2 stream (cleartext, prior knowledge)
   */
  public record Http(String path, String host, List<StatusRange> expectedStatuses, List<StatusRange> retriableStatuses,
      Map<String, String> requestHeaders, boolean http2) implements Protocol {
    public static final List<StatusRange> DEFAULT_EXPECTED = List.of(new StatusRange(200, 400));

    public Http {
      if (path == null || path.isEmpty() || path.charAt(0) != '/') {
        throw new IllegalArgumentException("http_health_check.path: '" + path + "' (expected: a path starting with /)");
      }
      Objects.requireNonNull(host, "http_health_check.host");
      expectedStatuses = expectedStatuses.isEmpty() ? DEFAULT_EXPECTED : List.copyOf(expectedStatuses);
      retriableStatuses = List.copyOf(retriableStatuses);
      requestHeaders = Map.copyOf(requestHeaders);
    }

    /** An HTTP/1.1 check. */
    public Http(String path, String host, List<StatusRange> expectedStatuses, List<StatusRange> retriableStatuses,
        Map<String, String> requestHeaders) {
      this(path, host, expectedStatuses, retriableStatuses, requestHeaders, false);
    }

    public static Http path(String path) {
      return new Http(path, "", List.of(), List.of(), Map.of());
    }

    public Http withHttp2(boolean value) {
      return new Http(path, host, expectedStatuses, retriableStatuses, requestHeaders, value);
    }

    public boolean expected(int status) {
      return expectedStatuses.stream().anyMatch(r -> r.contains(status));
    }

    public boolean retriable(int status) {
      return retriableStatuses.stream().anyMatch(r -> r.contains(status));
    }
  }

  /** An HTTP status range [start, end) as Envoy's {@code type.v3.Int64Range}. */
  public record StatusRange(int start, int end) {
    public StatusRange {
      if (start < 100 || end > 600 || start >= end) {
        throw new IllegalArgumentException("status range: [" + start + ", " + end + ") (expected: 100 <= start < end <= 600)");
      }
    }

    public boolean contains(int status) {
      return status >= start && status < end;
    }
  }

  /**
   * {@code tcp_health_check}: connect, optionally send bytes and expect every {@code receive} block to
   * appear in the answer (in any order, as Envoy matches them).
   *
   * @param send bytes to send, empty for connect-only
   * @param receive blocks the answer must contain, empty for connect-only
   */
  public record Tcp(byte[] send, List<byte[]> receive) implements Protocol {
    public Tcp {
      send = send.clone();
      receive = receive.stream().map(byte[]::clone).toList();
    }

    /** A copy: the record stays immutable. */
    @Override
    public byte[] send() {
      return send.clone();
    }

    /** Copies: the record stays immutable. */
    @Override
    public List<byte[]> receive() {
      return receive.stream().map(byte[]::clone).toList();
    }

    public static Tcp connectOnly() {
      return new Tcp(new byte[0], List.of());
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof Tcp t) || !java.util.Arrays.equals(send, t.send) || receive.size() != t.receive.size()) {
        return false;
      }
      for (int i = 0; i < receive.size(); i++) {
        if (!java.util.Arrays.equals(receive.get(i), t.receive.get(i))) {
          return false;
        }
      }
      return true;
    }

    @Override
    public int hashCode() {
      int h = java.util.Arrays.hashCode(send);
      for (byte[] r : receive) {
        h = 31 * h + java.util.Arrays.hashCode(r);
      }
      return h;
    }

    @Override
    public String toString() {
      return "Tcp[send=" + send.length + " bytes, receive=" + receive.size() + " blocks]";
    }
  }
}
