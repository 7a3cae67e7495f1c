package io.trellis.proxy.http.filter.fault;

import io.netty.handler.codec.http.HttpRequest;
import io.trellis.proxy.config.route.HeaderMatcher;
import io.trellis.proxy.router.RequestHeaderMatchers;
import java.time.Duration;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * One fault filter configuration (the filter's own, or a route's override), as Envoy's
 * {@code HTTPFault} after conversion. Immutable; its header matchers are compiled once, here, since a
 * route's config is consulted on every request.
 */
public final class FaultConfig {

  /** Envoy's header for a header-controlled delay, in milliseconds. */
  public static final String DELAY_HEADER = "x-envoy-fault-delay-request";
  /** Caps the share of requests delayed by header, as a numerator over the config's denominator. */
  public static final String DELAY_PERCENTAGE_HEADER = "x-envoy-fault-delay-request-percentage";
  /** Envoy's header for a header-controlled HTTP abort: the status to answer. */
  public static final String ABORT_HEADER = "x-envoy-fault-abort-request";
  /** Envoy's header for a header-controlled gRPC abort: the gRPC status to answer. */
  public static final String ABORT_GRPC_HEADER = "x-envoy-fault-abort-grpc-request";
  public static final String ABORT_PERCENTAGE_HEADER = "x-envoy-fault-abort-request-percentage";

  private final Delay delay;
  private final Abort abort;
  private final List<HeaderMatcher> headers;
  private final RequestHeaderMatchers headerMatchers;
  private final Integer maxActiveFaults;

  /**
   * @param delay the delay to inject, or {@code null}
   * @param abort the abort to inject, or {@code null}
   * @param headers the request must match all of these for any fault to apply
   * @param maxActiveFaults how many faulted requests may be in progress at once, or {@code null} for no limit
   */
  public FaultConfig(Delay delay, Abort abort, List<HeaderMatcher> headers, Integer maxActiveFaults) {
    if (maxActiveFaults != null && maxActiveFaults < 0) {
      throw new IllegalArgumentException("max_active_faults: " + maxActiveFaults + " (expected: >= 0)");
    }
    this.delay = delay;
    this.abort = abort;
    this.headers = headers == null ? List.of() : List.copyOf(headers);
    this.headerMatchers = RequestHeaderMatchers.compile(this.headers);
    this.maxActiveFaults = maxActiveFaults;
  }

  public Delay delay() {
    return delay;
  }

  public Abort abort() {
    return abort;
  }

  public List<HeaderMatcher> headers() {
    return headers;
  }

  public Integer maxActiveFaults() {
    return maxActiveFaults;
  }

  /** Whether the request's headers select it for fault injection. */
  boolean appliesTo(HttpRequest request) {
    return headerMatchers.matches(request);
  }

  @Override
  public String toString() {
    return "FaultConfig[delay=" + delay + ", abort=" + abort + ", headers=" + headers + ", maxActiveFaults=" + maxActiveFaults + "]";
  }

  /** A share of requests, as Envoy's {@code FractionalPercent}: {@code numerator} out of {@code denominator}. */
  public record Percentage(long numerator, long denominator) {
    public static final Percentage ALL = new Percentage(100, 100);

    public Percentage {
      if (denominator != 100 && denominator != 10_000 && denominator != 1_000_000) {
        throw new IllegalArgumentException("percentage.denominator: " + denominator + " (expected: 100, 10000 or 1000000)");
      }
      if (numerator < 0) {
        throw new IllegalArgumentException("percentage.numerator: " + numerator + " (expected: >= 0)");
      }
      numerator = Math.min(numerator, denominator); // Envoy caps an over-100% share at 100%
    }

    /** The same denominator with a smaller numerator (a header may lower the share, never raise it). */
    Percentage capped(long requestedNumerator) {
      return new Percentage(Math.max(0, Math.min(numerator, requestedNumerator)), denominator);
    }

    boolean roll(RandomGenerator random) {
      return numerator >= denominator || (numerator > 0 && random.nextLong(denominator) < numerator);
    }
  }

  /**
   * @param fixed the delay, or {@code null} when the delay comes from {@link #DELAY_HEADER}
   */
  public record Delay(Duration fixed, Percentage percentage) {
    public Delay {
      if (fixed != null && fixed.isNegative()) {
        throw new IllegalArgumentException("delay.fixed_delay: " + fixed + " (expected: >= 0)");
      }
      percentage = percentage == null ? Percentage.ALL : percentage;
    }

    public boolean headerControlled() {
      return fixed == null;
    }
  }

  /**
   * Exactly one of: an HTTP status, a gRPC status, or header control (the request's
   * {@link #ABORT_HEADER} or {@link #ABORT_GRPC_HEADER} says what to answer).
   *
   * @param httpStatus 200..599, or 0
   * @param grpcStatus a gRPC status code, or {@code null}
   */
  public record Abort(int httpStatus, Integer grpcStatus, boolean headerControlled, Percentage percentage) {
    public Abort {
      int kinds = (httpStatus != 0 ? 1 : 0) + (grpcStatus != null ? 1 : 0) + (headerControlled ? 1 : 0);
      if (kinds != 1) {
        throw new IllegalArgumentException("abort: " + kinds + " of http_status, grpc_status, header_abort (expected: exactly one)");
      }
      if (httpStatus != 0 && (httpStatus < 200 || httpStatus > 599)) {
        throw new IllegalArgumentException("abort.http_status: " + httpStatus + " (expected: 200..599)");
      }
      if (grpcStatus != null && (grpcStatus < 0 || grpcStatus > 16)) {
        throw new IllegalArgumentException("abort.grpc_status: " + grpcStatus + " (expected: 0..16)");
      }
      percentage = percentage == null ? Percentage.ALL : percentage;
    }
  }
}
