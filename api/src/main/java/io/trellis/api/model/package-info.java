/**
 * The common part of the configuration model: a {@link io.trellis.api.model.Resource} wraps any
 * kind's typed content with its metadata and its source tree, so that every consumer (validation,
 * analysis, translation to xDS, {@code trellis up}) can point at the exact line a value came from.
 * The conventions for absent values are documented once, on {@code Resource}.
 */
package io.trellis.api.model;
