/**
 * Route configuration as immutable values mirroring Envoy's {@code route.v3} semantics: the xDS layer
 * converts {@code RouteConfiguration} protos into these records at the edge, so the router never
 * touches protobuf, and a record that constructs is already valid.
 */
package io.trellis.proxy.config.route;
