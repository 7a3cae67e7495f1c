/**
 * The Istio resource model as immutable Java types, loaded from YAML and JSON with the file and line
 * of every object and field, validated with Istio's semantics and analyzed across resources.
 */
package io.trellis.api;
