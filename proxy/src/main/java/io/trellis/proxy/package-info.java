/**
 * The Trellis proxy: a Netty data plane configured only through Envoy's xDS v3 API (bootstrap file
 * or ADS), so that any xDS control plane can drive it.
 */
package io.trellis.proxy;
