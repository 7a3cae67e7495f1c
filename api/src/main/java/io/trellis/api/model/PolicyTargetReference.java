package io.trellis.api.model;

/** Istio's {@code type.v1beta1.PolicyTargetReference}: a policy attached to a Gateway API resource or Service. */
public record PolicyTargetReference(String group, String kind, String name, String namespace) {}
