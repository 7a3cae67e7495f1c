/**
 * Translation of Istio configuration into Envoy xDS: one generator per resource type (clusters,
 * endpoints, listeners, routes) plus the per-kind assemblies for gateways and proxyless gRPC
 * clients. Every generator is a pure function of the {@link io.trellis.control.model.PushContext}
 * and the proxy, and emits everything in a sorted order so that equal inputs give byte-equal
 * protos: the xDS server's content hashes, and therefore which proxies get pushed, depend on it.
 */
package io.trellis.control.translate;
