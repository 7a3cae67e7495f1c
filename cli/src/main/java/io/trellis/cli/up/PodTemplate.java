package io.trellis.cli.up;

import io.trellis.api.model.Resource;
import io.trellis.api.model.kube.Container;
import io.trellis.api.model.kube.Deployment;
import io.trellis.api.model.kube.Namespace;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one Deployment asks to run locally: its pod template reduced to the first container's
 * process, and how many. {@link #hash()} plays Kubernetes' {@code pod-template-hash}: a changed
 * template (or a change in whether it is injected) gets a new hash, which is what rolls the pods.
 *
 * @param deployment the Deployment's name
 * @param namespace its namespace
 * @param replicas how many pods
 * @param labels the pod template's labels
 * @param serviceAccount the pods' service account
 * @param container the container whose command runs
 * @param injected whether a sidecar runs beside it
 * @param hash a short hash of everything above but the replica count
 */
record PodTemplate(
    String deployment,
    String namespace,
    int replicas,
    Map<String, String> labels,
    String serviceAccount,
    Container container,
    boolean injected,
    String hash) {

  /** The templates of every Deployment among {@code resources}, with namespaces' labels applied. */
  static List<PodTemplate> of(List<Resource<?>> resources) {
    Map<String, Map<String, String>> namespaceLabels = new TreeMap<>();
    for (Resource<?> r : resources) {
      if (r.spec() instanceof Namespace) {
        namespaceLabels.put(r.name(), r.metadata().labels());
      }
    }
    List<PodTemplate> out = new ArrayList<>();
    for (Resource<?> r : resources) {
      if (r.spec() instanceof Deployment d && d.template() != null && d.template().spec() != null
          && !d.template().spec().containers().isEmpty()) {
        var meta = d.template().metadata();
        Map<String, String> labels = meta == null ? Map.of() : meta.labels();
        Map<String, String> annotations = meta == null ? Map.of() : meta.annotations();
        boolean inject =
            SidecarInjection.injects(
                namespaceLabels.getOrDefault(r.namespace(), Map.of()), labels, annotations, d.template().spec().hostNetwork());
        Container c = d.template().spec().containers().getFirst();
        String sa = d.template().spec().effectiveServiceAccount();
        String hash = hash(r.namespace() + "\n" + labels + "\n" + sa + "\n" + c + "\n" + inject);
        out.add(new PodTemplate(r.name(), r.namespace(), d.effectiveReplicas(), labels, sa, c, inject, hash));
      }
    }
    return out;
  }

  /** {@code namespace/deployment}: identifies the Deployment across changes. */
  String key() {
    return namespace + "/" + deployment;
  }

  /** Pod {@code index}'s name, Kubernetes-like: {@code reviews-v1-5c9d27e1-0}. */
  String podName(int index) {
    return deployment + "-" + hash + "-" + index;
  }

  private static String hash(String text) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
