/**
 * Outlier detection (passive health checking), with Envoy's semantics: connection pools report every
 * response status and every connect failure or reset of a host to its {@link
 * io.trellis.proxy.outlier.HostMonitor}; consecutive errors eject at once, success rate and failure
 * percentage are judged at each interval, and an ejected host returns after base_ejection_time
 * multiplied by how often it was ejected.
 *
 * <p>Why a package apart from the upstream: detection is a policy over counts and time that can be
 * tested on a fake clock with no sockets; it knows hosts only as opaque owners and tells its owner
 * (the cluster) when a host is ejected or returns, so the cluster can set the host's health flag and
 * rebuild its balancer (where the panic threshold still applies).
 *
 * <p>Threads: monitors take reports from every event loop with atomics only; decisions (eject,
 * return) are made under the detector's lock, which the data path takes only when a threshold is
 * crossed.
 */
package io.trellis.proxy.outlier;
