package io.trellis.api.model.kube;

import io.trellis.api.model.Lenient;
import io.trellis.api.model.Spec;

/**
 * A Kubernetes {@code Namespace}. The mesh reads only its metadata (labels such as {@code
 * istio-injection}), which {@code Resource} carries; the object itself is cluster-scoped.
 */
@Lenient
public record Namespace() implements Spec {}
