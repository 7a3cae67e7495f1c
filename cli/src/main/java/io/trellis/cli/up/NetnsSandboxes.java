package io.trellis.cli.up;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Network-namespace sandboxes and the bridge they share. Linux and root only: opening checks both
 * and refuses to reuse a bridge that already exists (another {@code trellis up --isolation netns}
 * runs, or one was killed without cleaning up: {@code ip link del trellis0}).
 */
final class NetnsSandboxes implements SandboxFactory {
  private final PodNetwork network;
  private final ProxyRuntime proxies;
  private boolean bridgeCreated;

  NetnsSandboxes(PodNetwork network, ProxyRuntime proxies) {
    this.network = network;
    this.proxies = proxies;
  }

  @Override
  public String xdsHost() {
    return network.gateway();
  }

  @Override
  public String serviceAddress(int index) {
    return network.serviceIp(index);
  }

  @Override
  public void open() throws IOException {
    if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
      throw new IOException("--isolation netns needs Linux (network namespaces and iptables); use --isolation loopback");
    }
    Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    if (!Integer.valueOf(0).equals(uid)) {
      throw new IOException("--isolation netns needs root (it creates network namespaces, a bridge and iptables rules); use --isolation loopback");
    }
    if (Files.exists(Path.of("/sys/class/net", network.bridge()))) {
      throw new IOException("bridge " + network.bridge() + " already exists: another trellis up --isolation netns is running"
          + " (or one was killed: remove it with `ip link del " + network.bridge() + "`)");
    }
    HostCommand.run(List.of("ip", "link", "add", network.bridge(), "type", "bridge"));
    bridgeCreated = true;
    HostCommand.run(List.of("ip", "addr", "add", network.gateway() + "/24", "dev", network.bridge()));
    HostCommand.run(List.of("ip", "link", "set", network.bridge(), "up"));
  }

  @Override
  public PodSandbox create(int index, String podName, boolean injected, List<ServiceName> hosts) throws IOException {
    return NetnsSandbox.create(network, index, podName, injected, hosts);
  }

  @Override
  public void close() {
    if (bridgeCreated) {
      HostCommand.runQuietly("ip", "link", "del", network.bridge());
      bridgeCreated = false;
    }
  }
}
