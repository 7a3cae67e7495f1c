package io.trellis.cli.up;

import java.io.IOException;
import java.util.List;

/**
 * Makes pod sandboxes of one isolation kind and owns what they share on the host (for network
 * namespaces: the bridge). Closing it removes that shared part; close every sandbox first.
 */
interface SandboxFactory extends AutoCloseable {

  /** Where sidecars reach the control plane's xDS server (it binds this address). */
  String xdsHost();

  /** A sandbox for pod number {@code index}; {@code hosts} are the service names to resolve. */
  PodSandbox create(int index, String podName, boolean injected, List<ServiceName> hosts) throws IOException;

  /** A service name and the address it resolves to inside pods (netns only). */
  record ServiceName(String address, List<String> names) {}

  /** The address for service number {@code index}, or {@code null} when pods do not resolve names. */
  default String serviceAddress(int index) {
    return null;
  }

  /** Prepares the host (shared resources); called once before any sandbox. */
  default void open() throws IOException {}

  @Override
  void close();

  /** The factory for {@code isolation}. */
  static SandboxFactory of(Isolation isolation, ProxyRuntime proxies) {
    return switch (isolation) {
      case LOOPBACK -> new SandboxFactory() {
        @Override
        public String xdsHost() {
          return "127.0.0.1";
        }

        @Override
        public PodSandbox create(int index, String podName, boolean injected, List<ServiceName> hosts) {
          return new LoopbackSandbox(index, injected);
        }

        @Override
        public void close() {}
      };
      case NETNS -> new NetnsSandboxes(PodNetwork.DEFAULT, proxies);
    };
  }
}
