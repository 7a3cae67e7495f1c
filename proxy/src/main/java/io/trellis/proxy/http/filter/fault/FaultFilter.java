package io.trellis.proxy.http.filter.fault;

import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.concurrent.ScheduledFuture;
import io.trellis.proxy.config.route.ForwardAction;
import io.trellis.proxy.http.ResponseFlag;
import io.trellis.proxy.http.filter.FilterStatus;
import io.trellis.proxy.http.filter.HttpFilter;
import io.trellis.proxy.http.filter.HttpFilterCallbacks;
import io.trellis.proxy.router.SelectedRoute;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * One request's faults. Both are decided once, at the request headers (each by its own percentage);
 * the delay, if any, runs first as a timer on the event loop, then the abort, if any, answers locally.
 */
final class FaultFilter implements HttpFilter {

  private static final String ABORT_BODY = "fault filter abort";
  private static final String DETAILS = "fault_filter_abort";

  private final String filterName;
  private final FaultConfig filterConfig;
  private final HttpFilterCallbacks callbacks;
  private final RandomGenerator random;
  private final FaultFilterProvider.Stats stats;

  private HttpRequest request;
  private Abort pendingAbort;
  private ScheduledFuture<?> delayTimer;
  private boolean counted;

  FaultFilter(
      String filterName, FaultConfig filterConfig, HttpFilterCallbacks callbacks, RandomGenerator random,
      FaultFilterProvider.Stats stats) {
    this.filterName = filterName;
    this.filterConfig = filterConfig;
    this.callbacks = callbacks;
    this.random = random;
    this.stats = stats;
  }

  @Override
  public FilterStatus decodeHeaders(HttpRequest request, boolean endStream) {
    this.request = request;
    FaultConfig config = effectiveConfig();
    if (config == null || !config.appliesTo(request)) {
      return FilterStatus.CONTINUE;
    }
    Duration delay = delayFor(config.delay());
    Abort abort = abortFor(config.abort());
    if (delay == null && abort == null) {
      return FilterStatus.CONTINUE;
    }
    if (config.maxActiveFaults() != null && stats.active().get() >= config.maxActiveFaults()) {
      stats.faultsOverflow().inc();
      return FilterStatus.CONTINUE;
    }
    counted = true;
    stats.active().incrementAndGet();
    stats.activeFaults().inc();
    pendingAbort = abort;
    if (delay != null) {
      stats.delaysInjected().inc();
      callbacks.streamInfo().addFlag(ResponseFlag.DELAY_INJECTED);
      Duration routeTimeout = routeTimeout();
      if (!routeTimeout.isZero() && routeTimeout.compareTo(delay) <= 0) {
        // The route timeout bounds what the client waits in all, as users of a route timeout expect
        // (and as gRPC's client-side fault injection does with deadlines): a delay that outlasts it
        // ends as the timeout would, with 504 UT when it expires.
        delayTimer = callbacks.eventLoop().schedule(this::routeTimedOut, routeTimeout.toNanos(), TimeUnit.NANOSECONDS);
      } else {
        delayTimer = callbacks.eventLoop().schedule(this::afterDelay, delay.toNanos(), TimeUnit.NANOSECONDS);
      }
      return FilterStatus.STOP_ITERATION;
    }
    abortNow();
    return FilterStatus.STOP_ITERATION;
  }

  /** A route's own fault config replaces the filter's, as in Envoy; the virtual host's comes next. */
  private FaultConfig effectiveConfig() {
    SelectedRoute selected = callbacks.route();
    if (selected != null) {
      if (selected.route() != null && selected.route().perFilterConfig(filterName) instanceof FaultConfig c) {
        return c;
      }
      if (selected.virtualHost() != null && selected.virtualHost().perFilterConfig(filterName) instanceof FaultConfig c) {
        return c;
      }
    }
    return filterConfig;
  }

  /** The selected route's timeout, or zero when it has none (or the request has no forwarding route). */
  private Duration routeTimeout() {
    SelectedRoute selected = callbacks.route();
    if (selected != null && selected.route() != null && selected.route().action() instanceof ForwardAction forward) {
      return forward.timeout();
    }
    return Duration.ZERO;
  }

  private void routeTimedOut() {
    delayTimer = null;
    pendingAbort = null;
    callbacks.sendLocalReply(504, "upstream request timeout", ResponseFlag.UPSTREAM_REQUEST_TIMEOUT, "upstream_response_timeout");
  }

  private void afterDelay() {
    delayTimer = null;
    if (pendingAbort != null) {
      abortNow();
    } else {
      callbacks.continueDecoding();
    }
  }

  private void abortNow() {
    Abort abort = pendingAbort;
    pendingAbort = null;
    stats.abortsInjected().inc();
    if (abort.grpcStatus() != null) {
      callbacks.sendGrpcLocalReply(200, abort.grpcStatus(), ABORT_BODY, ResponseFlag.FAULT_INJECTED, DETAILS);
    } else {
      callbacks.sendLocalReply(abort.httpStatus(), ABORT_BODY, ResponseFlag.FAULT_INJECTED, DETAILS);
    }
  }

  /** The delay this request gets, or {@code null}. */
  private Duration delayFor(FaultConfig.Delay delay) {
    if (delay == null) {
      return null;
    }
    FaultConfig.Percentage share = delay.percentage();
    Duration duration = delay.fixed();
    if (delay.headerControlled()) {
      Long millis = headerNumber(FaultConfig.DELAY_HEADER);
      if (millis == null || millis <= 0) {
        return null;
      }
      duration = Duration.ofMillis(millis);
      Long requested = headerNumber(FaultConfig.DELAY_PERCENTAGE_HEADER);
      if (requested != null) {
        share = share.capped(requested);
      }
    }
    return duration.isZero() || !share.roll(random) ? null : duration;
  }

  /** What this request is aborted with, or {@code null}. */
  private Abort abortFor(FaultConfig.Abort abort) {
    if (abort == null) {
      return null;
    }
    FaultConfig.Percentage share = abort.percentage();
    Abort decided;
    if (abort.headerControlled()) {
      Long http = headerNumber(FaultConfig.ABORT_HEADER);
      Long grpc = headerNumber(FaultConfig.ABORT_GRPC_HEADER);
      if (http != null && http >= 200 && http < 600) {
        decided = new Abort(http.intValue(), null);
      } else if (grpc != null && grpc >= 0 && grpc <= 16) {
        decided = new Abort(0, grpc.intValue());
      } else {
        return null;
      }
      Long requested = headerNumber(FaultConfig.ABORT_PERCENTAGE_HEADER);
      if (requested != null) {
        share = share.capped(requested);
      }
    } else {
      decided = new Abort(abort.httpStatus(), abort.grpcStatus());
    }
    return share.roll(random) ? decided : null;
  }

  private Long headerNumber(String name) {
    String value = request.headers().get(name);
    if (value == null) {
      return null;
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException notANumber) {
      return null; // Envoy ignores a malformed fault header rather than failing the request
    }
  }

  @Override
  public void onDestroy() {
    if (delayTimer != null) {
      delayTimer.cancel(false);
      delayTimer = null;
    }
    if (counted) {
      counted = false;
      stats.active().decrementAndGet();
      stats.activeFaults().dec();
    }
  }

  /** The abort decided for this request: an HTTP status, or a gRPC status. */
  private record Abort(int httpStatus, Integer grpcStatus) {}
}
