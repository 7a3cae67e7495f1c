package io.trellis.api.model;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a member of a proto {@code oneof}. Such members have presence in proto3, so they are
 * {@code null} when absent even when they are strings, numbers or enums ({@code exact: ""} is a
 * match on the empty string, not an absent match).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.PARAMETER, ElementType.METHOD, ElementType.FIELD})
public @interface OneOf {
  /** The name of the oneof, e.g. {@code match_type}. */
  String value();
}
