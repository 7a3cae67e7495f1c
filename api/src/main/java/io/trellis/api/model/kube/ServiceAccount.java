package io.trellis.api.model.kube;

import io.trellis.api.model.Lenient;
import io.trellis.api.model.Spec;

/** A Kubernetes {@code ServiceAccount}: a workload identity (the {@code sa} part of a SPIFFE ID). Bound from the whole object. */
@Lenient
public record ServiceAccount(Boolean automountServiceAccountToken) implements Spec {}
