package io.trellis.control.config;

import io.trellis.api.model.Resource;
import io.trellis.api.model.ResourceKey;
import io.trellis.api.model.Spec;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * All configuration in force at one moment, merged from every source: immutable, versioned. This
 * is what the push context is built from.
 *
 * @param version increases by one with every change; equal versions mean equal content
 * @param resources every resource in force, by key (sorted)
 * @param rejections input currently refused, per source, for status
 */
public record ConfigSnapshot(long version, Map<ResourceKey, Resource<?>> resources, List<Rejection> rejections) {

  public static final ConfigSnapshot EMPTY = new ConfigSnapshot(0, Map.of(), List.of());

  public ConfigSnapshot {
    resources = Collections.unmodifiableMap(new TreeMap<>(resources));
    rejections = List.copyOf(rejections);
  }

  public Optional<Resource<?>> get(ResourceKey key) {
    return Optional.ofNullable(resources.get(key));
  }

  /** Resources whose content is {@code type}, e.g. {@code ofType(VirtualService.class)}, in key order. */
  public <T extends Spec> List<Resource<T>> ofType(Class<T> type) {
    return resources.values().stream().filter(r -> type.isInstance(r.spec())).map(r -> r.as(type)).toList();
  }
}
