package io.trellis.api.model.kube;

import io.trellis.api.model.Frozen;
import io.trellis.api.model.Lenient;
import java.util.List;

/** The parts of a Kubernetes pod spec the mesh reads. */
@Lenient
public record PodSpec(
    String serviceAccountName,
    String serviceAccount,
    List<Container> containers,
    List<Container> initContainers,
    boolean hostNetwork,
    String nodeName) {
  public PodSpec {
    containers = Frozen.list(containers);
    initContainers = Frozen.list(initContainers);
  }


  /** The service account, defaulting as Kubernetes does ({@code serviceAccount} is its old name, then {@code default}). */
  public String effectiveServiceAccount() {
    if (!serviceAccountName.isEmpty()) {
      return serviceAccountName;
    }
    return serviceAccount.isEmpty() ? "default" : serviceAccount;
  }
}
