/**
 * The xDS server: ADS streams (state of the world and delta) to Envoy, Trellis proxies and
 * proxyless gRPC clients, with per-proxy state — what each subscribed to, what it has, what it
 * acknowledged or rejected.
 *
 * <p>This package is also the seam between translation and serving. Translation implements {@link
 * io.trellis.control.xds.XdsGenerator} ({@link io.trellis.control.xds.ProxyNode} in, {@link
 * io.trellis.control.xds.XdsResources} out) for one immutable configuration snapshot; a config
 * change hands the new generator to {@link io.trellis.control.xds.XdsServer#update} with a {@link
 * io.trellis.control.xds.PushScope}. Keeping generation pure and serving stateful is what lets the
 * server push only what changed, and lets translation be tested without a network.
 */
package io.trellis.control.xds;
