/**
 * The upstream side of the proxy: clusters, their hosts, load balancing and connection pools.
 *
 * <p>This package's interfaces are the seam between the router (which decides <em>which cluster</em>)
 * and the upstream implementation (which decides <em>which host and which connection</em>). The
 * router never sees a socket; the upstream never sees a route.
 *
 * <p>Request and response parts cross the seam as Netty {@link io.netty.handler.codec.http.HttpObject}s
 * whatever the wire protocol: an HTTP/2 stream is presented as HTTP/1-style objects (trailers ride in
 * {@link io.netty.handler.codec.http.LastHttpContent#trailingHeaders()}), so one router serves
 * HTTP/1.1, HTTP/2 and gRPC on either side. Pools exist per (cluster, host, event loop): a request
 * never changes threads between its downstream and its upstream connection.
 *
 * <p>The implementation: {@link io.trellis.proxy.upstream.UpstreamClusters} holds the clusters and
 * applies CDS/EDS (warming, draining); each cluster version is one {@code ClusterRuntime} whose
 * hosts ({@link io.trellis.proxy.upstream.UpstreamHost}) carry health flags, counters and their pools.
 * Pools are confined to their event loop and take no locks: {@code Http1ConnectionPool} keeps idle
 * keep-alive connections, {@code Http2ConnectionPool} multiplexes within SETTINGS and GOAWAY, and
 * {@code AlpnConnectionPool} learns from the first TLS handshake which of the two a host speaks.
 * Health flags are per source ({@link io.trellis.proxy.upstream.HealthFlag}): EDS, active health checks
 * ({@code io.trellis.proxy.health}) and outlier detection ({@code io.trellis.proxy.outlier}) each set
 * their own, and a host serves only while none is set; a change rebuilds the balancer on the control
 * loop, where priority failover and the panic threshold apply.
 *
 * <p>Circuit breakers are per cluster version and priority, shared by every pool and loop:
 * {@code ResourceLimit}s checked and counted with atomics. A pool with no connection may always open
 * one (as in Envoy), so requests queued on a loop are never stranded by other loops' connections.
 * HIGH-priority requests get pools of their own (as in Envoy) that count against HIGH's thresholds; the
 * router asks for retry slots through {@link io.trellis.proxy.upstream.UpstreamCluster#tryAcquireRetry}.
 */
package io.trellis.proxy.upstream;
