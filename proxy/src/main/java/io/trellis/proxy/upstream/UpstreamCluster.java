package io.trellis.proxy.upstream;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.trellis.proxy.config.cluster.CircuitBreakers;
import io.trellis.proxy.config.cluster.RoutingPriority;

/** One cluster as the router and tcp_proxy use it. Implementations are safe to call from any event loop. */
public interface UpstreamCluster {

  String name();

  /**
   * Picks a host for one attempt, by the cluster's load-balancing policy, or returns {@code null}
   * when no host is available (the caller answers 503 with response flag UH).
   */
  Host chooseHost(LoadBalancerContext context);

  /**
   * The HTTP connection pool for {@code host} on {@code eventLoop}; {@code downstreamProtocol} is
   * used when the cluster forwards with the downstream's protocol.
   */
  HttpConnectionPool httpPool(Host host, EventLoop eventLoop, HttpProtocol downstreamProtocol);

  /**
   * As {@link #httpPool(Host, EventLoop, HttpProtocol)} for a request of the route's {@code priority}:
   * HIGH-priority requests use pools of their own that count against the HIGH circuit-breaker
   * thresholds. Clusters without per-priority pools use the one pool.
   */
  default HttpConnectionPool httpPool(Host host, EventLoop eventLoop, HttpProtocol downstreamProtocol,
      RoutingPriority priority) {
    return httpPool(host, eventLoop, downstreamProtocol);
  }

  /**
   * Opens a raw TCP connection to {@code host} on {@code eventLoop}, for tcp_proxy and CONNECT. The
   * channel has auto-read off and an empty pipeline past the transport (and TLS, when the cluster
   * originates it); the future fails on connect timeout or refusal.
   */
  Future<Channel> connectTcp(Host host, EventLoop eventLoop);

  /**
   * The max_retries circuit breaker: takes one retry slot of {@code priority} if the limit allows and
   * returns whether it did (when not, the cluster counts {@code upstream_rq_retry_overflow} and the
   * caller must not retry). Every slot taken is given back with {@link #releaseRetry} when the retry
   * attempt ends. Clusters without circuit breakers allow every retry.
   */
  default boolean tryAcquireRetry(RoutingPriority priority) {
    return true;
  }

  /** Gives back a slot taken by {@link #tryAcquireRetry}. */
  default void releaseRetry(RoutingPriority priority) {}

  /** The cluster's circuit-breaker thresholds (Envoy's defaults unless configured). */
  default CircuitBreakers circuitBreakers() {
    return CircuitBreakers.DEFAULT;
  }
}
