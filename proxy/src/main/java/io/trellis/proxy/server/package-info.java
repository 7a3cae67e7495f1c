/**
 * The composition root: builds one proxy from its bootstrap (transport, stats, clusters, listeners,
 * admin server, ADS client) and feeds it configuration in the order Envoy does, so that a listener
 * never starts routing to a cluster that has no endpoints yet. Everything that decides <em>what</em>
 * the configuration is lives in {@code xds}; this package decides only <em>when</em> it is applied.
 */
package io.trellis.proxy.server;
