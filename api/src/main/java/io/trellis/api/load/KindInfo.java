package io.trellis.api.load;

import io.trellis.api.model.Spec;
import java.util.List;

/**
 * What the loader knows about one kind: its API group, the versions it accepts, the model type of
 * its content and which part of the object that content is bound from.
 *
 * @param specRequired whether Istio's schema requires {@code spec} (ServiceEntry, WorkloadEntry,
 *     WorkloadGroup)
 * @param namespaced false for cluster-scoped kinds (Namespace), which get no default namespace
 */
public record KindInfo(
    String group,
    String kind,
    List<String> versions,
    Class<? extends Spec> type,
    Body body,
    boolean specRequired,
    boolean namespaced) {

  /** Which part of the object the typed content is bound from. */
  public enum Body {
    /** The {@code spec} field (Istio kinds, Service, Deployment). */
    SPEC,
    /** The whole object apart from apiVersion, kind and metadata (Pod, EndpointSlice, …). */
    OBJECT
  }

  public KindInfo {
    versions = List.copyOf(versions);
  }

  /** Istio kinds are validated strictly; Kubernetes kinds leniently. */
  public boolean isIstio() {
    return group.endsWith("istio.io");
  }

  /** {@code group/version}, or just the version for the core group. */
  public String apiVersion(String version) {
    return group.isEmpty() ? version : group + "/" + version;
  }
}
