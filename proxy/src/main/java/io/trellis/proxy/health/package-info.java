/**
 * Active health checking, with Envoy's semantics: each host of a health-checked cluster is probed
 * (HTTP GET over HTTP/1.1 or HTTP/2, gRPC's grpc.health.v1.Health/Check, or TCP connect/send/receive)
 * every interval; an unexpected answer fails it at once,
 * timeouts and connection failures only after unhealthy_threshold in a row; healthy_threshold passes
 * bring it back (a new host needs one). The verdict is one health flag beside EDS's and outlier
 * detection's, so a host serves only when no source objects.
 *
 * <p>Why apart from the upstream: the state machine (thresholds, intervals, jitter, timeouts) is
 * {@link io.trellis.proxy.health.HealthChecker}, driven by an injected scheduler and random source so
 * tests run it on fake time; the probes are small non-blocking Netty clients on an event loop of the
 * proxy's transport.
 */
package io.trellis.proxy.health;
