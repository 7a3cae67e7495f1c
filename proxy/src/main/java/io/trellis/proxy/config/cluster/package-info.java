/**
 * Clusters and their endpoints as immutable values, converted from Envoy's {@code Cluster} and
 * {@code ClusterLoadAssignment} at the xDS edge.
 *
 * <p>Why a separate model: the upstream runtime (load balancers, connection pools, DNS) must never
 * touch protobuf, and every invariant it relies on is checked once, here, when a value is built. A
 * bad value fails with a message shaped {@code "field: value (expected: …)"} naming Envoy's proto
 * field, so the xDS layer can put it into a NACK unchanged. Defaults are Envoy's.
 */
package io.trellis.proxy.config.cluster;
