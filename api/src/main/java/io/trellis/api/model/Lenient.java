package io.trellis.api.model;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a record bound leniently: fields it does not declare are skipped, not reported. Used for
 * Kubernetes objects, which are large and of which the mesh reads only a few fields; Istio types
 * are always strict, as Istio's webhook is.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Lenient {}
