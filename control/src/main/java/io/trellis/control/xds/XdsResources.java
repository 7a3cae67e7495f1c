package io.trellis.control.xds;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Message;
import com.google.protobuf.UnsafeByteOperations;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The xDS resources one proxy should have: per type URL, resource name to an Envoy v3 message, each
 * with a content hash. Immutable.
 *
 * <p>The hash is what makes pushes cheap and versions deterministic: the server sends a resource
 * only when its hash differs from the one the proxy already has, and a response's version is
 * derived from the hashes it carries, so the same configuration always has the same version no
 * matter how many times it was regenerated.
 */
public final class XdsResources {

  public static final XdsResources EMPTY = new XdsResources(Map.of());

  /**
   * One resource with its name and content hash, and the wire forms every proxy is sent.
   *
   * @param name the xDS resource name (a cluster's {@code name}, a load assignment's {@code
   *     cluster_name}, …)
   * @param message the Envoy v3 message
   * @param hash hex SHA-256 (first 16 bytes) of the type URL and the message's deterministic
   *     serialization
   * @param serialized that deterministic serialization, sent as the {@code Any}'s value: a
   *     resource shared by many proxies is serialized once, not once per proxy per push
   * @param any the resource as a state-of-the-world response carries it ({@code serialized} under
   *     the type URL), built once and shared by every response that carries it
   * @param deltaResource the resource as a delta response carries it (name, version = hash, and
   *     {@code any}), likewise built once
   */
  public record Resource(
      String name,
      Message message,
      String hash,
      ByteString serialized,
      Any any,
      io.envoyproxy.envoy.service.discovery.v3.Resource deltaResource) {
    public Resource {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(message, "message");
      Objects.requireNonNull(hash, "hash");
      Objects.requireNonNull(serialized, "serialized");
      Objects.requireNonNull(any, "any");
      Objects.requireNonNull(deltaResource, "deltaResource");
    }

    /** Serializes and hashes {@code message} as a resource of {@code typeUrl}. */
    public static Resource of(String typeUrl, String name, Message message) {
      byte[] bytes = deterministicBytes(message);
      ByteString serialized = UnsafeByteOperations.unsafeWrap(bytes);
      String hash = contentHash(typeUrl, bytes);
      // Strings set as bytes: protobuf re-encodes a String field to UTF-8 on every serialization,
      // and these are serialized once per proxy per push.
      Any any = Any.newBuilder().setTypeUrlBytes(typeUrlBytes(typeUrl)).setValue(serialized).build();
      io.envoyproxy.envoy.service.discovery.v3.Resource delta =
          io.envoyproxy.envoy.service.discovery.v3.Resource.newBuilder()
              .setNameBytes(ByteString.copyFromUtf8(name))
              .setVersionBytes(ByteString.copyFromUtf8(hash))
              .setResource(any)
              .build();
      return new Resource(name, message, hash, serialized, any, delta);
    }
  }

  private static final java.util.concurrent.ConcurrentHashMap<String, ByteString> TYPE_URL_BYTES =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static ByteString typeUrlBytes(String typeUrl) {
    return TYPE_URL_BYTES.computeIfAbsent(typeUrl, ByteString::copyFromUtf8);
  }

  private final Map<String, Map<String, Resource>> byType;
  /** Per type, a digest of every (name, hash): equal digests mean the type did not change. */
  private final Map<String, String> digests;

  private XdsResources(Map<String, Map<String, Resource>> byType) {
    this.byType = byType;
    Map<String, String> d = new TreeMap<>();
    byType.forEach((type, resources) -> d.put(type, digest(resources.values())));
    this.digests = Collections.unmodifiableMap(d);
  }

  private XdsResources(Map<String, Map<String, Resource>> byType, Map<String, String> digests) {
    this.byType = byType;
    this.digests = digests;
  }

  /**
   * These resources with the types of {@code replaced} (type URL to an immutable, name-sorted map
   * of its resources; an empty map drops the type) in place of their own. Every other type keeps
   * this instance's map and digest: what the delta form of a shape's generation shares with the
   * state-of-the-world form.
   */
  public XdsResources withTypes(Map<String, Map<String, Resource>> replaced) {
    Map<String, Map<String, Resource>> types = new TreeMap<>(byType);
    Map<String, String> d = new TreeMap<>(digests);
    replaced.forEach(
        (type, resources) -> {
          if (resources.isEmpty()) {
            types.remove(type);
            d.remove(type);
          } else {
            types.put(type, resources);
            d.put(type, digest(resources.values()));
          }
        });
    return new XdsResources(Collections.unmodifiableMap(types), Collections.unmodifiableMap(d));
  }


  public static Builder builder() {
    return new Builder(Resource::of);
  }

  /**
   * A builder that turns messages into resources through {@code factory}: translation passes one
   * that hands back the same {@link Resource} for the same message instance, so a cluster shared by
   * ten proxy shapes is serialized and hashed once per configuration version, not ten times.
   */
  public static Builder builder(ResourceFactory factory) {
    return new Builder(Objects.requireNonNull(factory, "factory"));
  }

  /** Makes the {@link Resource} (serialized, hashed) for a message of a type under a name. */
  @FunctionalInterface
  public interface ResourceFactory {
    Resource resource(String typeUrl, String name, Message message);
  }

  /** The type URLs that have at least one resource, sorted. */
  public Set<String> typeUrls() {
    return byType.keySet();
  }

  /** Resources of one type, name to resource, sorted by name; empty when there are none. */
  public Map<String, Resource> ofType(String typeUrl) {
    return byType.getOrDefault(typeUrl, Map.of());
  }

  public Map<String, Resource> ofType(XdsType type) {
    return ofType(type.typeUrl());
  }

  /**
   * A digest of one type's resources (names and content hashes), {@code ""} when there are none.
   * Computed once per instance, which proxies of the same shape share, so a proxy can tell in O(1)
   * that a type did not change and skip diffing it resource by resource.
   */
  public String digest(String typeUrl) {
    return digests.getOrDefault(typeUrl, "");
  }

  /** A content-only digest of resources: the same set always gets the same value. */
  static String digest(java.util.Collection<Resource> resources) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    resources.stream()
        .sorted(java.util.Comparator.comparing(Resource::name))
        .forEach(
            r -> {
              sha.update(r.name().getBytes(java.nio.charset.StandardCharsets.UTF_8));
              sha.update((byte) 0);
              sha.update(r.hash().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            });
    return HexFormat.of().formatHex(sha.digest(), 0, 8);
  }

  /** Total number of resources over all types. */
  public int size() {
    return byType.values().stream().mapToInt(Map::size).sum();
  }

  /** Equal when every type has the same names with the same hashes. */
  @Override
  public boolean equals(Object o) {
    if (!(o instanceof XdsResources other)) {
      return false;
    }
    if (!byType.keySet().equals(other.byType.keySet())) {
      return false;
    }
    for (var e : byType.entrySet()) {
      Map<String, Resource> mine = e.getValue();
      Map<String, Resource> theirs = other.byType.get(e.getKey());
      if (!mine.keySet().equals(theirs.keySet())) {
        return false;
      }
      for (var r : mine.entrySet()) {
        if (!r.getValue().hash().equals(theirs.get(r.getKey()).hash())) {
          return false;
        }
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int h = 1;
    for (var e : byType.entrySet()) {
      for (Resource r : e.getValue().values()) {
        h = 31 * h + r.hash().hashCode();
      }
    }
    return h;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("XdsResources{");
    byType.forEach(
        (type, m) -> sb.append(type.substring(type.lastIndexOf('.') + 1)).append('=').append(m.keySet()).append(' '));
    return sb.append('}').toString();
  }

  /** Hex SHA-256 (first 16 bytes) of the type URL and the message's deterministic bytes. */
  private static String contentHash(String typeUrl, byte[] bytes) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JDK", e);
    }
    sha.update(typeUrl.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    sha.update(bytes);
    return HexFormat.of().formatHex(sha.digest(), 0, 16);
  }

  private static byte[] deterministicBytes(Message message) {
    byte[] bytes = new byte[message.getSerializedSize()];
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    // Deterministic: map fields are written in key order, so equal messages hash equally.
    out.useDeterministicSerialization();
    try {
      message.writeTo(out);
      out.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes;
  }

  /** The type URL of a message: {@code type.googleapis.com/} plus its full proto name. */
  public static String typeUrlOf(Message message) {
    return "type.googleapis.com/" + message.getDescriptorForType().getFullName();
  }

  /** Collects resources; a second resource with the same type and name replaces the first. */
  public static final class Builder {
    private final Map<String, Map<String, Resource>> byType = new TreeMap<>();
    private final ResourceFactory factory;

    private Builder(ResourceFactory factory) {
      this.factory = factory;
    }

    /** Adds a resource of any type under an explicit name. */
    public Builder add(String typeUrl, String name, Message message) {
      if (name == null || name.isEmpty()) {
        throw new IllegalArgumentException(
            "xDS resource of type " + typeUrl + " has no name (expected: a non-empty name)");
      }
      byType
          .computeIfAbsent(typeUrl, t -> new TreeMap<>())
          .put(name, factory.resource(typeUrl, name, message));
      return this;
    }

    public Builder add(Cluster cluster) {
      return add(XdsType.CLUSTER.typeUrl(), cluster.getName(), cluster);
    }

    public Builder add(ClusterLoadAssignment endpoints) {
      return add(XdsType.ENDPOINT.typeUrl(), endpoints.getClusterName(), endpoints);
    }

    public Builder add(Listener listener) {
      return add(XdsType.LISTENER.typeUrl(), listener.getName(), listener);
    }

    public Builder add(RouteConfiguration routes) {
      return add(XdsType.ROUTE.typeUrl(), routes.getName(), routes);
    }

    public Builder add(Secret secret) {
      return add(typeUrlOf(secret), secret.getName(), secret);
    }

    public XdsResources build() {
      Map<String, Map<String, Resource>> copy = new TreeMap<>();
      byType.forEach((t, m) -> copy.put(t, Collections.unmodifiableMap(new TreeMap<>(m))));
      return new XdsResources(Collections.unmodifiableMap(copy));
    }
  }
}
