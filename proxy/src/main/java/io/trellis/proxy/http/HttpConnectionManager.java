package io.trellis.proxy.http;

import io.trellis.proxy.config.listener.HttpConnectionManagerConfig;
import io.trellis.proxy.http.filter.FilterContext;
import io.trellis.proxy.http.filter.HttpFilterFactory;
import io.trellis.proxy.http.filter.HttpFilterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * One {@code http_connection_manager} configuration compiled for the data path: the filter factories
 * (router last), where routes come from, stats looked up once, and the injected clock and randomness.
 * Immutable; a listener update compiles a new one, and connections keep the one they started with.
 */
public final class HttpConnectionManager {
  private final HttpConnectionManagerConfig config;
  private final RouteTableSource routes;
  private final HttpFilterFactory[] filterFactories;
  private final HcmStats stats;
  private final Clock clock;
  private final RandomGenerator random;
  private final RequestHeadersPreparer preparer;
  private final StreamObserver observer;

  private HttpConnectionManager(
      HttpConnectionManagerConfig config, RouteTableSource routes, List<HttpFilterFactory> factories, FilterContext context,
      StreamObserver observer) {
    this.observer = observer;
    this.config = config;
    this.routes = routes;
    this.filterFactories = factories.toArray(HttpFilterFactory[]::new);
    this.stats = new HcmStats(context.stats(), config.statPrefix());
    this.clock = context.clock();
    this.random = context.random();
    this.preparer = new RequestHeadersPreparer(config, random);
  }

  /**
   * Compiles a configuration; throws {@link IllegalArgumentException} naming the field when a filter
   * type is unknown or its config invalid.
   */
  public static HttpConnectionManager compile(
      String at, HttpConnectionManagerConfig config, RouteTableSource routes, HttpFilterRegistry registry, FilterContext context) {
    return compile(at, config, routes, registry, context, StreamObserver.NONE);
  }

  /** As {@link #compile(String, HttpConnectionManagerConfig, RouteTableSource, HttpFilterRegistry, FilterContext)}, reporting finished requests. */
  public static HttpConnectionManager compile(
      String at, HttpConnectionManagerConfig config, RouteTableSource routes, HttpFilterRegistry registry, FilterContext context,
      StreamObserver observer) {
    FilterContext scoped = new FilterContext(
        context.clusterManager(), context.stats(), config.statPrefix(), context.clock(), context.random());
    List<HttpFilterFactory> factories = registry.compile(at, config.httpFilters(), scoped);
    return new HttpConnectionManager(config, routes, factories, scoped, observer);
  }

  public HttpConnectionManagerConfig config() {
    return config;
  }

  public HcmStats stats() {
    return stats;
  }

  RouteTableSource routes() {
    return routes;
  }

  HttpFilterFactory[] filterFactories() {
    return filterFactories;
  }

  Clock clock() {
    return clock;
  }

  RandomGenerator random() {
    return random;
  }

  StreamObserver observer() {
    return observer;
  }

  RequestHeadersPreparer preparer() {
    return preparer;
  }

  /** Starts one request's processing; the codec feeds it parts. */
  public ActiveStream newStream(DownstreamStream downstream, ConnectionInfo connection) {
    return new ActiveStream(this, downstream, connection);
  }
}
