package io.trellis.api.model;

/**
 * The typed content of a resource: for Istio kinds the value of {@code spec}; for Kubernetes kinds
 * the fields the mesh reads (see each type's documentation for which part of the object it is
 * bound from). Every implementation is an immutable record.
 */
public interface Spec {}
