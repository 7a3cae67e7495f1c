package io.trellis.api.validate;

import io.trellis.api.model.Resource;

/** The metadata rules the API server applies to every object: names, namespaces, labels. */
final class MetadataValidator {

  private MetadataValidator() {}

  static void validate(Resource<?> resource, Findings f) {
    String name = resource.name();
    if (!name.isEmpty() && !Names.isObjectName(name)) {
      f.error("metadata.name", "invalid name \"" + name + "\"", "a lowercase RFC 1123 subdomain");
    }
    String namespace = resource.namespace();
    if (!namespace.isEmpty() && !Names.isNamespaceName(namespace)) {
      f.error("metadata.namespace", "invalid namespace \"" + namespace + "\"", "a lowercase RFC 1123 label");
    }
    Names.checkLabels(resource.metadata().labels(), "metadata.labels", f);
    if (resource.metadata().annotations().containsKey("istio.io/dry-run") && !resource.kind().equals("AuthorizationPolicy")) {
      f.error("metadata.annotations[istio.io/dry-run]", "unsupported annotation istio.io/dry-run, please remove the annotation");
    }
  }
}
