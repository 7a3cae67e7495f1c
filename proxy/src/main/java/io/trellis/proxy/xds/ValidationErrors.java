package io.trellis.proxy.xds;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects the validation errors of one resource, each prefixed with the path to the offending
 * field, so that one bad field reports itself precisely and the rest of the resource is still
 * checked: {@code Listener [x] filter_chains[0] filters[1]: unknown type URL ...}.
 *
 * <p>A collector and all the children made with {@link #at} share one list of messages.
 */
public final class ValidationErrors {
  private final String path;
  private final List<String> messages;

  private ValidationErrors(String path, List<String> messages) {
    this.path = path;
    this.messages = messages;
  }

  /** A collector for one resource, e.g. {@code forResource("Listener", "ingress")}. */
  public static ValidationErrors forResource(String kind, String name) {
    return new ValidationErrors(kind + " [" + name + "]", new ArrayList<>());
  }

  /** A collector whose messages start with {@code root} (e.g. a bootstrap field path). */
  public static ValidationErrors at(String root, List<String> sink) {
    return new ValidationErrors(root, sink);
  }

  /** A child collector for a field below this one: {@code at("filter_chains[0]")}. */
  public ValidationErrors at(String field) {
    return new ValidationErrors(path.isEmpty() ? field : path + " " + field, messages);
  }

  /** A child collector for the element {@code index} of the repeated field {@code field}. */
  public ValidationErrors at(String field, int index) {
    return at(field + "[" + index + "]");
  }

  public void add(String reason) {
    messages.add(path.isEmpty() ? reason : path + ": " + reason);
  }

  /** Records {@code reason} when {@code condition} is false; returns the condition. */
  public boolean check(boolean condition, String reason) {
    if (!condition) {
      add(reason);
    }
    return condition;
  }

  /**
   * Runs a record constructor that validates its arguments; a rejection becomes a message here and
   * the result is {@code null}.
   */
  public <T> T build(java.util.function.Supplier<T> constructor) {
    try {
      return constructor.get();
    } catch (IllegalArgumentException | NullPointerException e) {
      add(e.getMessage() == null ? e.toString() : e.getMessage());
      return null;
    }
  }

  public boolean isEmpty() {
    return messages.isEmpty();
  }

  /** Every message recorded through this collector or any collector sharing its list. */
  public List<String> messages() {
    return List.copyOf(messages);
  }

  public String path() {
    return path;
  }
}
