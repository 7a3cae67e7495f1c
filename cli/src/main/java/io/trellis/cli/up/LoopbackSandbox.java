package io.trellis.cli.up;

import io.trellis.control.local.LocalNode;
import java.util.List;
import java.util.Map;

/**
 * A pod on the host network with addresses of its own in 127.0.0.0/8 (every one of them is local
 * on Linux, with no setup and no root): {@code 127.A.B.1} for the mesh — the sidecar's inbound
 * listeners, HTTP proxy and admin — and {@code 127.A.B.2} for the app. Nothing to undo on close.
 * Without a sidecar the app takes the mesh address itself.
 */
final class LoopbackSandbox implements PodSandbox {
  private final String meshIp;
  private final String appIp;

  LoopbackSandbox(int index, boolean injected) {
    if (index < 0 || index >= 200 * 254) {
      throw new IllegalArgumentException("pod index " + index + " (expected: 0.." + (200 * 254 - 1) + ")");
    }
    String prefix = "127." + (10 + index / 254) + "." + (index % 254 + 1) + ".";
    this.meshIp = prefix + "1";
    this.appIp = injected ? prefix + "2" : meshIp;
  }

  @Override
  public String meshIp() {
    return meshIp;
  }

  @Override
  public String appIp() {
    return appIp;
  }

  @Override
  public List<String> appCommand(List<String> command) {
    return command;
  }

  @Override
  public List<String> proxyCommand(List<String> command) {
    return command;
  }

  @Override
  public Map<String, String> appEnv(boolean injected) {
    if (!injected) {
      return Map.of();
    }
    String proxy = "http://" + meshIp + ":" + LocalNode.DEFAULT_HTTP_PROXY_PORT;
    String noProxy = "localhost,127.0.0.1,::1," + appIp;
    return Map.of("HTTP_PROXY", proxy, "http_proxy", proxy, "NO_PROXY", noProxy, "no_proxy", noProxy);
  }

  @Override
  public Map<String, String> proxyMetadata() {
    return Map.of(LocalNode.MODE, LocalNode.Mode.LOOPBACK.name(), LocalNode.MESH_IP, meshIp, LocalNode.APP_IP, appIp);
  }

  @Override
  public void close() {}
}
