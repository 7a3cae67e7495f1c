package io.trellis.proxy.router;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import io.trellis.proxy.config.route.RetryPolicy;
import io.trellis.proxy.config.route.RetryPolicy.RetryOn;
import io.trellis.proxy.upstream.Host;
import io.trellis.proxy.upstream.UpstreamFailure;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * The retry bookkeeping of one request, apart from the router that acts on it: which outcomes are
 * retriable under the policy's {@code retry_on}, how many retries remain, which hosts were tried
 * (for {@code previous_hosts}) and how long to back off.
 */
final class RetryState {
  static final String RETRY_ON_HEADER = "x-envoy-retry-on";
  static final String MAX_RETRIES_HEADER = "x-envoy-max-retries";
  static final String GRPC_RETRY_ON_HEADER = "x-envoy-retry-grpc-on";
  static final String RETRIABLE_STATUS_CODES_HEADER = "x-envoy-retriable-status-codes";
  static final String RETRIABLE_HEADER_NAMES_HEADER = "x-envoy-retriable-header-names";
  // the same names with their hash computed once: every forwarded request looks up the first two
  private static final AsciiString RETRY_ON = AsciiString.cached(RETRY_ON_HEADER);
  private static final AsciiString MAX_RETRIES = AsciiString.cached(MAX_RETRIES_HEADER);
  private static final AsciiString GRPC_RETRY_ON = AsciiString.cached(GRPC_RETRY_ON_HEADER);
  private static final AsciiString RETRIABLE_STATUS_CODES = AsciiString.cached(RETRIABLE_STATUS_CODES_HEADER);
  private static final AsciiString RETRIABLE_HEADER_NAMES = AsciiString.cached(RETRIABLE_HEADER_NAMES_HEADER);

  private final Set<RetryOn> retryOn;
  private final int[] statusCodes;
  private final List<CompiledHeaderMatcher> retriableHeaders;
  private final RetryPolicy policy;
  private final RetryBackOff backOff;
  private int retriesLeft;
  private int attempts;
  private Set<Host> triedHosts;

  private RetryState(RetryPolicy policy, Set<RetryOn> retryOn, int numRetries, RandomGenerator random) {
    this.policy = policy;
    this.retryOn = retryOn;
    this.statusCodes = policy.retriableStatusCodes().stream().mapToInt(Integer::intValue).toArray();
    List<CompiledHeaderMatcher> hm = new ArrayList<>(policy.retriableHeaders().size());
    policy.retriableHeaders().forEach(m -> hm.add(new CompiledHeaderMatcher(m)));
    this.retriableHeaders = hm;
    this.retriesLeft = numRetries;
    this.backOff = new RetryBackOff(policy.backOffBase(), policy.backOffMax(), random);
  }

  /**
   * The retry state for a request, or {@code null} when neither the route nor the request's
   * {@code x-envoy-retry-on}/{@code x-envoy-retry-grpc-on} ask for retries. The headers (trusted:
   * the connection manager strips x-envoy-* from external requests) add conditions to the route's,
   * and {@code x-envoy-max-retries} replaces {@code num_retries}.
   */
  static RetryState create(RetryPolicy route, HttpHeaders request, RandomGenerator random) {
    String onHeader = request.get(RETRY_ON);
    String grpcOnHeader = request.get(GRPC_RETRY_ON);
    if (route == null && onHeader == null && grpcOnHeader == null) {
      return null;
    }
    RetryPolicy policy = route != null ? route : RetryPolicy.on(Set.of());
    Set<RetryOn> on = policy.retryOn();
    if (onHeader != null || grpcOnHeader != null) {
      EnumSet<RetryOn> merged = on.isEmpty() ? EnumSet.noneOf(RetryOn.class) : EnumSet.copyOf(on);
      if (onHeader != null) {
        merged.addAll(RetryOn.parseList(onHeader));
      }
      if (grpcOnHeader != null) {
        merged.addAll(RetryOn.parseList(grpcOnHeader));
      }
      on = merged;
    }
    int numRetries = policy.numRetries();
    String max = request.get(MAX_RETRIES);
    if (max != null) {
      try {
        numRetries = Math.max(0, Integer.parseInt(max.trim()));
      } catch (NumberFormatException ignored) {
        // Envoy ignores an unparsable x-envoy-max-retries
      }
    }
    if (on.isEmpty()) {
      return null;
    }
    String codes = request.get(RETRIABLE_STATUS_CODES);
    String names = request.get(RETRIABLE_HEADER_NAMES);
    if (codes != null || names != null) {
      policy = withRequestConditions(policy, codes, names);
    }
    return new RetryState(policy, on, numRetries, random);
  }

  /**
   * Adds the request's {@code x-envoy-retriable-status-codes} and {@code x-envoy-retriable-header-names}
   * to the policy's lists (they matter only under retriable-status-codes / retriable-headers);
   * values that do not parse are skipped, as Envoy does.
   */
  private static RetryPolicy withRequestConditions(RetryPolicy policy, String codes, String names) {
    List<Integer> allCodes = new ArrayList<>(policy.retriableStatusCodes());
    if (codes != null) {
      for (String c : codes.split(",")) {
        try {
          int code = Integer.parseInt(c.trim());
          if (code >= 100 && code <= 599) {
            allCodes.add(code);
          }
        } catch (NumberFormatException ignored) {
          // skipped
        }
      }
    }
    List<io.trellis.proxy.config.route.HeaderMatcher> matchers = new ArrayList<>(policy.retriableHeaders());
    if (names != null) {
      for (String n : names.split(",")) {
        String name = n.trim();
        if (!name.isEmpty()) {
          matchers.add(new io.trellis.proxy.config.route.HeaderMatcher(name, null, true, null, null, false, false));
        }
      }
    }
    return policy.toBuilder().retriableStatusCodes(allCodes).retriableHeaders(matchers).build();
  }

  RetryPolicy policy() {
    return policy;
  }

  /** Counts one attempt against {@code host}; returns the attempt's number (1 for the first). */
  int onAttempt(Host host) {
    attempts++;
    if (policy.previousHosts()) {
      if (triedHosts == null) {
        triedHosts = new HashSet<>(4);
      }
      triedHosts.add(host);
    }
    return attempts;
  }

  int attempts() {
    return attempts;
  }

  /** Hosts the next pick should avoid (empty unless the policy has {@code previous_hosts}). */
  Set<Host> excludedHosts() {
    return triedHosts == null ? Set.of() : triedHosts;
  }

  /** How many picks the load balancer may make to avoid an excluded host. */
  int maxSelectionAttempts() {
    return triedHosts == null ? 1 : policy.hostSelectionRetryMaxAttempts() + 1;
  }

  boolean hasRetriesLeft() {
    return retriesLeft > 0;
  }

  /** Takes one retry and returns the back-off before it, in nanoseconds. */
  long takeRetry() {
    retriesLeft--;
    return backOff.delayNanos(attempts);
  }

  /** Whether a response (its headers; gRPC's status when the response is trailers-only) is retriable. */
  boolean retriable(HttpResponse response) {
    int code = response.status().code();
    if (retryOn.contains(RetryOn.FIVE_XX) && code >= 500 && code <= 599) {
      return true;
    }
    if (retryOn.contains(RetryOn.GATEWAY_ERROR) && (code == 502 || code == 503 || code == 504)) {
      return true;
    }
    if (retryOn.contains(RetryOn.RETRIABLE_4XX) && code == 409) {
      return true;
    }
    if (retryOn.contains(RetryOn.RETRIABLE_STATUS_CODES)) {
      for (int c : statusCodes) {
        if (c == code) {
          return true;
        }
      }
    }
    HttpHeaders h = response.headers();
    if (retryOn.contains(RetryOn.RETRIABLE_HEADERS) && !retriableHeaders.isEmpty()) {
      RequestView view = new RequestView(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/", h), "http");
      for (CompiledHeaderMatcher m : retriableHeaders) {
        if (m.matches(view)) {
          return true;
        }
      }
    }
    String grpc = h.get("grpc-status");
    if (grpc != null) {
      return switch (grpc.trim()) {
        case "1" -> retryOn.contains(RetryOn.GRPC_CANCELLED);
        case "4" -> retryOn.contains(RetryOn.GRPC_DEADLINE_EXCEEDED);
        case "8" -> retryOn.contains(RetryOn.GRPC_RESOURCE_EXHAUSTED);
        case "13" -> retryOn.contains(RetryOn.GRPC_INTERNAL);
        case "14" -> retryOn.contains(RetryOn.GRPC_UNAVAILABLE);
        default -> false;
      };
    }
    return false;
  }

  /**
   * Whether an attempt that ended without a response is retriable. A circuit-breaker overflow never
   * is; 5xx, gateway-error and reset cover every disconnect and reset; connect-failure only a
   * connection that was never made; refused-stream only HTTP/2's REFUSED_STREAM (error code 7).
   */
  boolean retriable(UpstreamFailure failure, boolean connected) {
    UpstreamFailure.Reason r = failure.reason();
    if (r == UpstreamFailure.Reason.OVERFLOW) {
      return false;
    }
    if (retryOn.contains(RetryOn.FIVE_XX) || retryOn.contains(RetryOn.GATEWAY_ERROR) || retryOn.contains(RetryOn.RESET)) {
      return true;
    }
    boolean connectFailure = !connected
        && (r == UpstreamFailure.Reason.CONNECTION_FAILURE || r == UpstreamFailure.Reason.CONNECT_TIMEOUT);
    if (retryOn.contains(RetryOn.CONNECT_FAILURE) && connectFailure) {
      return true;
    }
    if (retryOn.contains(RetryOn.RESET_BEFORE_REQUEST) && !connected) {
      return true;
    }
    return retryOn.contains(RetryOn.REFUSED_STREAM) && r == UpstreamFailure.Reason.REMOTE_RESET
        && String.valueOf(failure.getMessage()).contains("(error code 7)");
  }

  /** Whether a per-try timeout is retriable: it counts as the upstream not answering. */
  boolean retriableTimeout() {
    return retryOn.contains(RetryOn.FIVE_XX) || retryOn.contains(RetryOn.GATEWAY_ERROR) || retryOn.contains(RetryOn.RESET);
  }
}
