/**
 * {@code trellis bench control-plane}: Istio configuration for N services written to a directory,
 * the Trellis control plane started on it as its own process, and M simulated sidecars — ADS
 * streams over loopback that subscribe and ACK as Envoy does — timing the initial push to all of
 * them and how long one VirtualService edit and one endpoint edit take to reach every proxy.
 */
package io.trellis.bench.controlplane;
