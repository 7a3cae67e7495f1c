/**
 * Reads Envoy's bootstrap file (YAML or JSON) into {@code envoy.config.bootstrap.v3.Bootstrap}, so a
 * bootstrap written for Envoy starts this proxy unchanged. A file that does not parse or that names
 * something it does not define is rejected at start with the file and field, never half-applied.
 */
package io.trellis.proxy.bootstrap;
