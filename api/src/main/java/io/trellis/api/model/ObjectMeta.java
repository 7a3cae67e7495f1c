package io.trellis.api.model;

import java.util.List;
import java.util.Map;

/**
 * The Kubernetes object metadata the mesh reads. Other metadata fields (uid, resourceVersion,
 * managedFields, …) are accepted and ignored, as the API server would have filled them.
 */
@Lenient
public record ObjectMeta(
    String name,
    String namespace,
    String generateName,
    Map<String, String> labels,
    Map<String, String> annotations,
    List<OwnerReference> ownerReferences) {

  public ObjectMeta {
    labels = Frozen.map(labels);
    annotations = Frozen.map(annotations);
    ownerReferences = Frozen.list(ownerReferences);
  }

  public static ObjectMeta of(String namespace, String name) {
    return new ObjectMeta(name, namespace, "", Map.of(), Map.of(), List.of());
  }

  /** The same metadata with another namespace (the loader fills in its default). */
  public ObjectMeta withNamespace(String newNamespace) {
    return new ObjectMeta(name, newNamespace, generateName, labels, annotations, ownerReferences);
  }

  /** An owner of a Kubernetes object (a Pod's ReplicaSet, an EndpointSlice's Service). */
  @Lenient
  public record OwnerReference(String apiVersion, String kind, String name, String uid, Boolean controller) {}
}
