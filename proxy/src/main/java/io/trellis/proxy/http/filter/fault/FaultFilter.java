package io.trellis.proxy.http.filter.fault;

import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.ScheduledFuture;
import io.trellis.proxy.http.ResponseFlag;
import io.trellis.proxy.http.filter.FilterStatus;
import io.trellis.proxy.http.filter.HttpFilter;
import io.trellis.proxy.http.filter.HttpFilterCallbacks;
import io.trellis.proxy.router.RequestHeaderMatchers;
import io.trellis.proxy.router.SelectedRoute;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/** One request's fault decision: maybe a delay, then maybe an abort. */
final class FaultFilter implements HttpFilter {

  private static final String ABORT_BODY = "fault filter abort";

  private final String filterName;
  private final FaultConfig filterConfig;
  private final HttpFilterCallbacks callbacks;
  private final RandomGenerator random;
  private final FaultFilterProvider.Stats stats;

  private FaultConfig config;
  private HttpRequest request;
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
    config = effectiveConfig();
    if (config == null || !RequestHeaderMatchers.matchAll(config.headers(), request)) {
      return FilterStatus.CONTINUE;
    }
    Duration delay = delayFor(config.delay());
    if (delay == null && abortFor(config.abort()) == null) {
      return FilterStatus.CONTINUE;
    }
    if (config.maxActiveFaults() != null && stats.active().get() >= config.maxActiveFaults()) {
      stats.faultsOverflow().inc();
      return FilterStatus.CONTINUE;
    }
    counted = true;
    stats.active().incrementAndGet();
    stats.activeFaults().inc();
    if (delay != null) {
      stats.delaysInjected().inc();
      callbacks.streamInfo().addFlag(ResponseFlag.DELAY_INJECTED);
      delayTimer = callbacks.eventLoop().schedule(this::afterDelay, delay.toNanos(), TimeUnit.NANOSECONDS);
      return FilterStatus.STOP_ITERATION;
    }
    return abortNow() ? FilterStatus.STOP_ITERATION : FilterStatus.CONTINUE;
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

  private void afterDelay() {
    delayTimer = null;
    if (!abortNow()) {
      callbacks.continueDecoding();
    }
  }

  /** Answers locally when the abort applies to this request; says whether it did. */
  private boolean abortNow() {
    Abort decided = abortFor(config.abort());
    if (decided == null) {
      return false;
    }
    stats.abortsInjected().inc();
    if (decided.grpcStatus() != null) {
      // gRPC clients read the status from a trailers-only response: HTTP 200 with grpc-status.
      callbacks.streamInfo().addFlag(ResponseFlag.FAULT_INJECTED);
      callbacks.streamInfo().responseCodeDetails("fault_filter_abort");
      HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
      response.headers()
          .set(HttpHeaderNames.CONTENT_TYPE, "application/grpc")
          .set("grpc-status", decided.grpcStatus())
          .set("grpc-message", ABORT_BODY);
      callbacks.abandonRequest();
      callbacks.encodeHeaders(response, true);
    } else {
      callbacks.sendLocalReply(decided.httpStatus(), ABORT_BODY, ResponseFlag.FAULT_INJECTED, "fault_filter_abort");
    }
    return true;
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
        decided = new Abort((int) (long) http, null);
      } else if (grpc != null && grpc >= 0 && grpc <= 16) {
        decided = new Abort(0, (int) (long) grpc);
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

  private record Abort(int httpStatus, Integer grpcStatus) {}
}
