package io.trellis.cli.up;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The iptables rules that capture a pod's TCP traffic for its sidecar, as Istio's init container
 * ({@code istio-iptables}) writes them in the pod's network namespace: inbound connections are
 * redirected to 15006 and outbound ones to 15001, except the proxy's own (by UID and GID, so the
 * proxy's connections to apps and upstreams are not looped back into itself), loopback traffic to
 * 127.0.0.1, an app talking to itself over the loopback interface, and the excluded ports.
 *
 * <p>Shared by {@code trellis up --isolation netns} and {@code trellis iptables}, so that a
 * Kubernetes init container can apply exactly the rules the local mesh is tested with.
 *
 * @param proxyUid the sidecar's user id (Istio: 1337)
 * @param proxyGid the sidecar's group id (Istio: 1337)
 * @param inboundPorts ports to capture inbound, or empty for all
 * @param excludeInboundPorts ports never captured inbound (the proxy's own admin and health ports)
 * @param excludeOutboundPorts destination ports never captured outbound
 * @param inboundCapturePort where inbound goes (15006)
 * @param outboundCapturePort where outbound goes (15001)
 */
public record CaptureRules(
    int proxyUid,
    int proxyGid,
    Set<Integer> inboundPorts,
    Set<Integer> excludeInboundPorts,
    Set<Integer> excludeOutboundPorts,
    int inboundCapturePort,
    int outboundCapturePort) {

  /** Istio's proxy user and group. */
  public static final int PROXY_UID = 1337;

  /** The proxy's own ports, never captured inbound: admin, HBONE, Istio's agent, health and stats. */
  public static final Set<Integer> PROXY_PORTS = Set.of(15000, 15008, 15020, 15021, 15090);

  public CaptureRules {
    inboundPorts = new TreeSet<>(inboundPorts);
    excludeInboundPorts = new TreeSet<>(excludeInboundPorts);
    excludeOutboundPorts = new TreeSet<>(excludeOutboundPorts);
    for (int p : List.of(proxyUid, proxyGid)) {
      if (p < 0) {
        throw new IllegalArgumentException("proxy uid/gid: " + p + " (expected: 0 or more)");
      }
    }
    for (Set<Integer> ports : List.of(inboundPorts, excludeInboundPorts, excludeOutboundPorts)) {
      for (int p : ports) {
        checkPort(p);
      }
    }
    checkPort(inboundCapturePort);
    checkPort(outboundCapturePort);
  }

  /** Istio's defaults: uid/gid 1337, every inbound port but the proxy's, 15006 and 15001. */
  public static CaptureRules defaults() {
    return new CaptureRules(PROXY_UID, PROXY_UID, Set.of(), PROXY_PORTS, Set.of(), 15006, 15001);
  }

  public CaptureRules withProxyUid(int uid) {
    return new CaptureRules(uid, uid, inboundPorts, excludeInboundPorts, excludeOutboundPorts, inboundCapturePort, outboundCapturePort);
  }

  public CaptureRules withInboundPorts(Set<Integer> ports) {
    return new CaptureRules(proxyUid, proxyGid, ports, excludeInboundPorts, excludeOutboundPorts, inboundCapturePort, outboundCapturePort);
  }

  public CaptureRules withExcludedOutboundPorts(Set<Integer> ports) {
    return new CaptureRules(proxyUid, proxyGid, inboundPorts, excludeInboundPorts, ports, inboundCapturePort, outboundCapturePort);
  }

  private static void checkPort(int p) {
    if (p < 1 || p > 65535) {
      throw new IllegalArgumentException("port " + p + " (expected: 1..65535)");
    }
  }

  /** The rules as {@code iptables -t nat …} argument lists, in order (chains first). */
  public List<List<String>> commands() {
    List<List<String>> out = new ArrayList<>();
    for (String chain : List.of("ISTIO_INBOUND", "ISTIO_IN_REDIRECT", "ISTIO_OUTPUT", "ISTIO_REDIRECT")) {
      out.add(List.of("-t", "nat", "-N", chain));
    }
    for (String[] rule : rules()) {
      List<String> r = new ArrayList<>(List.of("-t", "nat"));
      r.addAll(List.of(rule));
      out.add(r);
    }
    return out;
  }

  /** The same rules as input for {@code iptables-restore --noflush} (one atomic change). */
  public String restoreScript() {
    StringBuilder b = new StringBuilder("*nat\n");
    for (String chain : List.of("ISTIO_INBOUND", "ISTIO_IN_REDIRECT", "ISTIO_OUTPUT", "ISTIO_REDIRECT")) {
      b.append(':').append(chain).append(" - [0:0]\n");
    }
    for (String[] rule : rules()) {
      b.append(String.join(" ", rule)).append('\n');
    }
    return b.append("COMMIT\n").toString();
  }

  /** A shell script of {@code iptables} commands, as {@code trellis iptables} prints it. */
  public String shellScript() {
    StringBuilder b = new StringBuilder();
    for (List<String> c : commands()) {
      b.append("iptables ").append(String.join(" ", c)).append('\n');
    }
    return b.toString();
  }

  private List<String[]> rules() {
    List<String[]> r = new ArrayList<>();
    String uid = String.valueOf(proxyUid);
    String gid = String.valueOf(proxyGid);
    // Inbound: everything arriving for the pod, but the proxy's own ports, goes to 15006.
    r.add(a("-A", "PREROUTING", "-p", "tcp", "-j", "ISTIO_INBOUND"));
    for (int p : excludeInboundPorts) {
      r.add(a("-A", "ISTIO_INBOUND", "-p", "tcp", "--dport", String.valueOf(p), "-j", "RETURN"));
    }
    if (inboundPorts.isEmpty()) {
      r.add(a("-A", "ISTIO_INBOUND", "-p", "tcp", "-j", "ISTIO_IN_REDIRECT"));
    } else {
      for (int p : inboundPorts) {
        r.add(a("-A", "ISTIO_INBOUND", "-p", "tcp", "--dport", String.valueOf(p), "-j", "ISTIO_IN_REDIRECT"));
      }
    }
    r.add(a("-A", "ISTIO_IN_REDIRECT", "-p", "tcp", "-j", "REDIRECT", "--to-ports", String.valueOf(inboundCapturePort)));
    // Outbound: the app's connections go to 15001; the proxy's own and plain loopback traffic do not.
    r.add(a("-A", "OUTPUT", "-p", "tcp", "-j", "ISTIO_OUTPUT"));
    for (int p : excludeOutboundPorts) {
      r.add(a("-A", "ISTIO_OUTPUT", "-p", "tcp", "--dport", String.valueOf(p), "-j", "RETURN"));
    }
    // An app calling its own pod IP goes over lo: not mesh traffic, let it through.
    r.add(a("-A", "ISTIO_OUTPUT", "-o", "lo", "-m", "owner", "!", "--uid-owner", uid, "-j", "RETURN"));
    r.add(a("-A", "ISTIO_OUTPUT", "-m", "owner", "--uid-owner", uid, "-j", "RETURN"));
    r.add(a("-A", "ISTIO_OUTPUT", "-m", "owner", "--gid-owner", gid, "-j", "RETURN"));
    r.add(a("-A", "ISTIO_OUTPUT", "-d", "127.0.0.1/32", "-j", "RETURN"));
    r.add(a("-A", "ISTIO_OUTPUT", "-j", "ISTIO_REDIRECT"));
    r.add(a("-A", "ISTIO_REDIRECT", "-p", "tcp", "-j", "REDIRECT", "--to-ports", String.valueOf(outboundCapturePort)));
    return r;
  }

  private static String[] a(String... args) {
    return Objects.requireNonNull(args);
  }
}
