package io.trellis.api.model;

import java.util.Objects;

/**
 * One configuration object as loaded: its type, metadata, typed content and where it was written.
 *
 * <p>Conventions for every model type under {@code io.trellis.api.model}, written once:
 *
 * <ul>
 *   <li>Records are immutable; lists and maps are unmodifiable and never {@code null} (empty when
 *       absent).
 *   <li>Proto3 scalars follow proto3: an absent string is {@code ""}, an absent number {@code 0},
 *       an absent boolean {@code false}, an absent enum its zero value (the first constant).
 *   <li>Messages, Istio's wrapper types ({@code BoolValue}, {@code UInt32Value}, {@code
 *       DoubleValue}, …, modelled as boxed {@code Boolean}, {@code Integer}, {@code Double}) and
 *       durations ({@link java.time.Duration}) are {@code null} when absent.
 *   <li>To tell "absent" from "written as the zero value", ask {@link #isSet(String)}.
 * </ul>
 *
 * @param apiVersion as written, e.g. {@code networking.istio.io/v1}
 * @param kind as written, e.g. {@code VirtualService}
 * @param metadata name, namespace (the loader's default when none was written), labels, annotations
 * @param spec the typed content; for Istio kinds the {@code spec} field
 * @param source the document as parsed, for locating any field
 */
public record Resource<S extends Spec>(
    String apiVersion, String kind, ObjectMeta metadata, S spec, SourceNode source) {

  public Resource {
    Objects.requireNonNull(apiVersion);
    Objects.requireNonNull(kind);
    Objects.requireNonNull(metadata);
    Objects.requireNonNull(spec);
    Objects.requireNonNull(source);
  }

  public String name() {
    return metadata.name();
  }

  public String namespace() {
    return metadata.namespace();
  }

  /** {@code networking.istio.io} for {@code networking.istio.io/v1}; {@code ""} for core {@code v1}. */
  public String group() {
    int slash = apiVersion.indexOf('/');
    return slash < 0 ? "" : apiVersion.substring(0, slash);
  }

  /** {@code v1} for {@code networking.istio.io/v1}. */
  public String version() {
    int slash = apiVersion.indexOf('/');
    return slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
  }

  public ResourceKey key() {
    return new ResourceKey(kind, metadata.namespace(), metadata.name());
  }

  /** Where the object starts. */
  public Location origin() {
    return source.location();
  }

  /**
   * Where {@code path} (e.g. {@code spec.http[0].route[1].weight}) was written, or the nearest
   * written ancestor when it was not.
   */
  public Location location(String path) {
    return source.locate(path);
  }

  /** The line of {@link #location(String)}. */
  public int line(String path) {
    return location(path).line();
  }

  /** Whether {@code path} was written in the source (even as an empty value). */
  public boolean isSet(String path) {
    SourceNode node = source.find(path);
    return node != null && !(node instanceof SourceNode.NullNode);
  }

  /** The typed content cast to {@code type}, for code holding a {@code Resource<?>}. */
  public <T extends Spec> T spec(Class<T> type) {
    return type.cast(spec);
  }

  @SuppressWarnings("unchecked")
  public <T extends Spec> Resource<T> as(Class<T> type) {
    type.cast(spec);
    return (Resource<T>) this;
  }

  @Override
  public String toString() {
    return key() + " (" + origin() + ")";
  }
}
