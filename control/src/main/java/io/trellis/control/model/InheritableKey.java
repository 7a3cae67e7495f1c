package io.trellis.control.model;

/**
 * A {@link PushContext#memo} key whose value may outlive its push context: the next context asks
 * the key whether what the value was derived from is untouched by the changes in between, and if
 * so takes the value over. Keys that do not implement this (route configurations, which depend on
 * every VirtualService) are always computed afresh.
 */
public interface InheritableKey {

  /** Whether a value computed for this key before {@code changes} is still the right value. */
  boolean survives(ConfigChanges changes);
}
