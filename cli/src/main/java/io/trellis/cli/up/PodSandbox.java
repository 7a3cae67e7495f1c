package io.trellis.cli.up;

import java.util.List;
import java.util.Map;

/**
 * Where a pod's processes run and how they are addressed: the shared host network on loopback
 * addresses of their own, or a network namespace with captured traffic. Closing it removes
 * whatever it created on the host.
 */
interface PodSandbox extends AutoCloseable {

  /** The pod's address as the mesh sees it ({@code status.podIP}); its sidecar's admin listens here too. */
  String meshIp();

  /** The address the app binds ({@code POD_IP}). */
  String appIp();

  /** {@code command} made to run as the app inside the sandbox. */
  List<String> appCommand(List<String> command);

  /** {@code command} made to run as the sidecar inside the sandbox. */
  List<String> proxyCommand(List<String> command);

  /** What the app's environment needs for its traffic to go through the sidecar. */
  Map<String, String> appEnv(boolean injected);

  /** Node metadata for the sidecar's bootstrap (see {@code io.trellis.control.local.LocalNode}). */
  Map<String, String> proxyMetadata();

  /** Makes {@code hosts} resolvable inside the pod, where the sandbox resolves names at all. */
  default void updateHosts(String podName, List<SandboxFactory.ServiceName> hosts) throws java.io.IOException {}

  @Override
  void close();
}
