package io.trellis.cli.up;

import io.trellis.api.model.kube.Container;
import io.trellis.control.local.LocalPod;
import java.util.List;

/**
 * One pod the mesh runs: its app process, its sidecar (when injected) and its sandbox.
 *
 * @param template the Deployment it belongs to, as it was when the pod started
 * @param index its replica index
 * @param name pod name
 * @param addressIndex its slot in the address pool
 * @param sandbox its addresses and network
 * @param app the app process
 * @param sidecar the sidecar process, or {@code null} when not injected
 * @param adminPort the sidecar's admin port (on {@link PodSandbox#meshIp()}), 0 without sidecar
 */
record RunningPod(
    PodTemplate template,
    int index,
    String name,
    int addressIndex,
    PodSandbox sandbox,
    ManagedProcess app,
    ManagedProcess sidecar,
    int adminPort) {

  /** The pod as the registry sees it. */
  LocalPod asLocalPod() {
    return new LocalPod(name, template.namespace(), template.labels(), template.serviceAccount(), sandbox.meshIp());
  }

  List<ManagedProcess> processes() {
    return sidecar == null ? List.of(app) : List.of(app, sidecar);
  }

  Container container() {
    return template.container();
  }
}
