/**
 * The local mesh behind {@code trellis up}: Kubernetes Deployments run as local processes
 * ("pods"), each with a Trellis sidecar where Istio's injector would put one, an ingress gateway,
 * and the control plane in process, all on one machine.
 *
 * <p>The pieces follow a pod's life: {@link io.trellis.cli.up.MeshManifests} reads and checks the
 * manifests, {@link io.trellis.cli.up.PodTemplate} and {@link io.trellis.cli.up.SidecarInjection}
 * decide what runs, a {@link io.trellis.cli.up.PodSandbox} gives the pod its addresses (shared
 * loopback, or a network namespace with iptables capture built from {@link
 * io.trellis.cli.up.CaptureRules}), {@link io.trellis.cli.up.ManagedProcess} runs and restarts each
 * process by its own PID, {@link io.trellis.cli.up.ProxyRuntime} gives the proxies a class path
 * every user can read (and a JVM AOT cache, which took Bookinfo from 37 s to 25 s to its first page),
 * and {@link io.trellis.cli.up.LocalMesh} reconciles the running pods with
 * the Deployments in the control plane's store, so a changed manifest rolls its pods.
 */
package io.trellis.cli.up;
