package io.trellis.cli.up;

import java.util.Map;

/**
 * Whether Istio's sidecar injector would inject a pod, by its default policy: a pod opts out with
 * {@code sidecar.istio.io/inject: "false"} (label or annotation) or by running on the host
 * network; a namespace labelled {@code istio-injection=disabled} injects nothing; a namespace
 * labelled {@code istio-injection=enabled} (or with a revision label {@code istio.io/rev}) injects
 * every other pod; elsewhere a pod opts in with {@code sidecar.istio.io/inject: "true"}.
 */
final class SidecarInjection {
  static final String NAMESPACE_LABEL = "istio-injection";
  static final String REVISION_LABEL = "istio.io/rev";
  static final String POD_KEY = "sidecar.istio.io/inject";

  private SidecarInjection() {}

  static boolean injects(Map<String, String> namespaceLabels, Map<String, String> podLabels, Map<String, String> podAnnotations, boolean hostNetwork) {
    String pod = podLabels.getOrDefault(POD_KEY, podAnnotations.getOrDefault(POD_KEY, ""));
    if (pod.equalsIgnoreCase("false") || hostNetwork) {
      return false;
    }
    String ns = namespaceLabels.getOrDefault(NAMESPACE_LABEL, "");
    if (ns.equals("disabled")) {
      return false;
    }
    if (ns.equals("enabled") || namespaceLabels.containsKey(REVISION_LABEL)) {
      return true;
    }
    return pod.equalsIgnoreCase("true");
  }
}
