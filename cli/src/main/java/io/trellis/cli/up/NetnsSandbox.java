package io.trellis.cli.up;

import io.trellis.control.local.LocalNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A pod in its own network namespace, as on Kubernetes: a veth pair to the host bridge, its own IP
 * as {@code eth0}, loopback up, {@code /etc/netns/NAME/hosts} and {@code resolv.conf} (which
 * {@code ip netns exec} mounts over {@code /etc}) resolving service names to their virtual IPs, and
 * the capture rules of {@link CaptureRules} in its nat table. The app runs as root inside it; the
 * sidecar as Istio's proxy user, whose connections the rules leave alone. Closing deletes the
 * namespace (which takes the veth pair with it) and its {@code /etc/netns} directory.
 */
final class NetnsSandbox implements PodSandbox {
  private static final Path ETC_NETNS = Path.of("/etc/netns");

  private final PodNetwork network;
  private final int index;
  private final String name;
  private final String ip;
  private boolean closed;

  private NetnsSandbox(PodNetwork network, int index) {
    this.network = network;
    this.index = index;
    this.name = network.namespace(index);
    this.ip = network.podIp(index);
  }

  static NetnsSandbox create(PodNetwork network, int index, String podName, boolean injected, List<SandboxFactory.ServiceName> hosts)
      throws IOException {
    NetnsSandbox s = new NetnsSandbox(network, index);
    try {
      s.setUp(podName, injected, hosts);
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
    return s;
  }

  private void setUp(String podName, boolean injected, List<SandboxFactory.ServiceName> hosts) throws IOException {
    String host = network.hostVeth(index);
    String pod = network.podVeth(index);
    HostCommand.runQuietly("ip", "netns", "del", name); // a leftover of a killed run
    HostCommand.runQuietly("ip", "link", "del", host);
    HostCommand.run(List.of("ip", "netns", "add", name));
    HostCommand.run(List.of("ip", "link", "add", host, "type", "veth", "peer", "name", pod));
    HostCommand.run(List.of("ip", "link", "set", pod, "netns", name));
    HostCommand.run(List.of("ip", "link", "set", host, "master", network.bridge(), "up"));
    HostCommand.run(List.of("ip", "-n", name, "link", "set", pod, "name", "eth0"));
    HostCommand.run(List.of("ip", "-n", name, "addr", "add", ip + "/24", "dev", "eth0"));
    HostCommand.run(List.of("ip", "-n", name, "link", "set", "eth0", "up"));
    HostCommand.run(List.of("ip", "-n", name, "link", "set", "lo", "up"));
    writeEtc(podName, hosts);
    if (injected) {
      // What Istio's init container does; a pod without a sidecar keeps its traffic to itself.
      HostCommand.run(List.of("ip", "netns", "exec", name, "iptables-restore", "--noflush"), CaptureRules.defaults().restoreScript());
    }
  }

  /**
   * Rewrites the pod's hosts file in place (same file, so the copy {@code ip netns exec} mounted
   * over the running processes' {@code /etc/hosts} changes too): services added later resolve.
   */
  @Override
  public void updateHosts(String podName, List<SandboxFactory.ServiceName> hosts) throws IOException {
    writeEtc(podName, hosts);
  }

  private void writeEtc(String podName, List<SandboxFactory.ServiceName> hosts) throws IOException {
    Path dir = Files.createDirectories(ETC_NETNS.resolve(name));
    StringBuilder h = new StringBuilder("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n");
    h.append(ip).append('\t').append(podName).append('\n');
    for (SandboxFactory.ServiceName s : hosts) {
      h.append(s.address()).append('\t').append(String.join(" ", s.names())).append('\n');
    }
    Files.writeString(dir.resolve("hosts"), h);
    // No nameserver: names resolve from hosts only, as a pod's would from cluster DNS; search
    // domains as Kubernetes writes them.
    Files.writeString(dir.resolve("resolv.conf"), "search svc.cluster.local cluster.local\noptions ndots:5\n");
  }

  @Override
  public String meshIp() {
    return ip;
  }

  @Override
  public String appIp() {
    return ip;
  }

  @Override
  public List<String> appCommand(List<String> command) {
    return HostCommand.concat(List.of("ip", "netns", "exec", name), command);
  }

  @Override
  public List<String> proxyCommand(List<String> command) {
    String id = String.valueOf(CaptureRules.PROXY_UID);
    return HostCommand.concat(
        List.of("ip", "netns", "exec", name, "setpriv", "--reuid=" + id, "--regid=" + id, "--clear-groups"), command);
  }

  @Override
  public Map<String, String> appEnv(boolean injected) {
    return Map.of();
  }

  @Override
  public Map<String, String> proxyMetadata() {
    return Map.of(LocalNode.MODE, LocalNode.Mode.NETNS.name(), LocalNode.MESH_IP, ip, LocalNode.APP_IP, ip);
  }

  String namespaceName() {
    return name;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    HostCommand.runQuietly("ip", "netns", "del", name);
    HostCommand.runQuietly("ip", "link", "del", network.hostVeth(index));
    Path dir = ETC_NETNS.resolve(name);
    try (Stream<Path> walk = Files.exists(dir) ? Files.walk(dir) : Stream.empty()) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // reported by the caller's leftovers check, if any
    }
  }
}
