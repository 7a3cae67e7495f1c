/**
 * The proxy's side of xDS: the ADS client and one parser per resource type. Envoy's protos stop at
 * this package's edge; everything past it gets immutable runtime records, so the request path never
 * touches protobuf. Parsers collect every problem of a resource as a message with a field path, so a
 * rejected update (NACK) tells the control plane's operator exactly what to fix, while the last good
 * configuration stays in force.
 */
package io.trellis.proxy.xds;
