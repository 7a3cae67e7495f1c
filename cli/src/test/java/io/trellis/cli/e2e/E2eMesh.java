package io.trellis.cli.e2e;

import static org.awaitility.Awaitility.await;

import com.google.protobuf.Struct;
import com.google.protobuf.TypeRegistry;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.trellis.cli.FreePorts;
import io.trellis.cli.Main;
import io.trellis.control.admin.ControlPlaneInfo;
import io.trellis.control.admin.StateDirectory;
import io.trellis.control.local.LocalNode;
import io.trellis.proxy.bootstrap.NodeIdentity;
import io.trellis.proxy.bootstrap.XdsBootstrap;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;
import picocli.CommandLine;

/**
 * One test's mesh: named backends, the configuration directory filled from {@code e2e/mesh.yaml},
 * a control plane process, and Trellis proxies (gateway, sidecar) as processes. Everything it
 * starts it stops in {@link #close()}, processes by their own PIDs.
 *
 * <p>{@link #startGateway} and {@link #startSidecar} announce {@code TRELLIS_LOCAL_MODE: LOOPBACK} in
 * their node metadata for {@link #startControlPlane} (see {@link LocalTranslationControlPlane} for
 * why); {@link #startStandardControlPlane} and {@link #startStandardGateway} are the plain commands.
 */
final class E2eMesh implements AutoCloseable {
  static final String GATEWAY_ID = "router~127.0.0.1~ingressgateway-0.istio-system~istio-system.svc.cluster.local";
  static final String SIDECAR_ID = "sidecar~127.0.0.1~productpage-0.default~default.svc.cluster.local";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z0-9_]+)}");

  private final Path root;
  private final Path configDir;
  private final Path stateDir;
  private final Path logDir;
  private final Map<String, NamedBackend> backends = new LinkedHashMap<>();
  private final Map<String, String> values = new LinkedHashMap<>();
  private final List<TrellisProcess> processes = new ArrayList<>();
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
  private final int xdsPort;
  private final int gatewayPort;
  private final int reviewsPort;
  private TrellisProcess controlPlane;
  /** Whether proxies started by {@link #startProxy} speak delta ADS (and so get virtual hosts over VHDS). */
  private boolean delta;

  /**
   * Starts the backends (a, b, v1, v2, reviews-v1, reviews-v2), picks the listener ports and
   * writes the configuration directory; nothing else runs yet.
   */
  E2eMesh(Path root) throws IOException {
    this.root = root;
    configDir = Files.createDirectories(root.resolve("config"));
    stateDir = Files.createDirectories(root.resolve("state"));
    logDir = Files.createDirectories(root.resolve("logs"));
    try {
      for (String name : List.of("a", "b", "v1", "v2", "reviews-v1", "reviews-v2")) {
        NamedBackend b = NamedBackend.start(name);
        backends.put(name, b);
        values.put(name.toUpperCase().replace('-', '_') + "_PORT", String.valueOf(b.port()));
      }
      xdsPort = FreePorts.pick();
      gatewayPort = FreePorts.pick();
      reviewsPort = FreePorts.pick();
      values.put("GATEWAY_PORT", String.valueOf(gatewayPort));
      values.put("REVIEWS_PORT", String.valueOf(reviewsPort));
      writeConfig("mesh.yaml", template("mesh.yaml"));
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  int gatewayPort() {
    return gatewayPort;
  }

  int reviewsPort() {
    return reviewsPort;
  }

  Path stateDir() {
    return stateDir;
  }

  Path configDir() {
    return configDir;
  }

  NamedBackend backend(String name) {
    return backends.get(name);
  }

  /** A test resource under {@code e2e/} with every {@code ${NAME}} filled in. */
  String template(String resource) {
    try (InputStream in = E2eMesh.class.getClassLoader().getResourceAsStream("e2e/" + resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource e2e/" + resource);
      }
      return fill(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Fills {@code ${NAME}} placeholders; an unknown name is a test bug, reported as such. */
  String fill(String text) {
    Matcher m = PLACEHOLDER.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String v = values.get(m.group(1));
      if (v == null) {
        throw new IllegalArgumentException("no value for ${" + m.group(1) + "} (known: " + values.keySet() + ")");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(v));
    }
    m.appendTail(out);
    return out.toString();
  }

  /**
   * Writes a file into the watched directory the way editors and config tools replace a file:
   * written beside it, then renamed over it, so the watcher never reads half a file.
   */
  Path writeConfig(String name, String content) throws IOException {
    Path target = configDir.resolve(name);
    Path tmp = root.resolve(name + ".tmp");
    Files.writeString(tmp, content, StandardCharsets.UTF_8);
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    return target;
  }

  /** A file outside the watched directory, for {@code trellis apply -f}. */
  Path scratchFile(String name, String content) throws IOException {
    return Files.writeString(root.resolve(name), content, StandardCharsets.UTF_8);
  }

  /** Starts the control plane process (see {@link LocalTranslationControlPlane}). */
  void startControlPlane() throws IOException {
    controlPlane =
        started(
            TrellisProcess.start(
                "control-plane",
                logDir,
                LocalTranslationControlPlane.class.getName(),
                List.of(configDir.toString(), stateDir.toString(), String.valueOf(xdsPort))));
  }

  /**
   * {@code trellis control-plane} itself, as a user runs it: the standard translation, no local-mesh
   * rewrite. The API and monitoring ports are given free ports so nothing shared is bound.
   */
  void startStandardControlPlane() throws IOException {
    controlPlane =
        started(
            TrellisProcess.trellis(
                "control-plane",
                logDir,
                List.of(
                    "control-plane", "--config", configDir.toString(), "--xds-port", String.valueOf(xdsPort),
                    "--api-port", String.valueOf(FreePorts.pick()), "--monitoring-port", String.valueOf(FreePorts.pick()),
                    "--state-dir", stateDir.toString())));
  }

  /**
   * {@code trellis proxy --xds} as the ingress gateway, exactly as a user runs it: the bootstrap is
   * the command's own, with no local-mesh metadata. Only listeners the Gateway asks for are bound
   * (the mesh's Gateway binds 127.0.0.1).
   */
  TrellisProcess startStandardGateway(int adminPort) throws IOException {
    return started(
        TrellisProcess.trellis(
            "gateway",
            logDir,
            List.of(
                "proxy", "--xds", "127.0.0.1:" + xdsPort, "--role", "gateway", "--namespace", "istio-system",
                "--labels", "istio=ingressgateway,app=istio-ingressgateway", "--admin-port", String.valueOf(adminPort))));
  }

  /**
   * Proxies started from now on use delta ADS ({@code api_type: DELTA_GRPC}), as {@code trellis up}'s
   * do: their route configurations' virtual hosts arrive over VHDS.
   */
  E2eMesh useDelta() {
    delta = true;
    return this;
  }

  /** {@code trellis proxy} as the ingress gateway (labels {@code istio: ingressgateway}). */
  TrellisProcess startGateway(int adminPort) throws IOException {
    NodeIdentity id =
        new NodeIdentity(
            NodeIdentity.Role.GATEWAY, "127.0.0.1", "ingressgateway-0", "istio-system",
            Map.of("istio", "ingressgateway", "app", "istio-ingressgateway"), "ingressgateway", null, "e2e", null);
    return startProxy("gateway", id, adminPort, Map.of(LocalNode.INGRESS_BIND, "127.0.0.1"));
  }

  /**
   * {@code trellis proxy} as productpage's sidecar. Its outbound listener for reviews is the Sidecar
   * resource's egress listener; the local mesh's HTTP proxy listener it also gets goes on a free
   * port, unused here.
   */
  TrellisProcess startSidecar(int adminPort) throws IOException {
    NodeIdentity id =
        new NodeIdentity(
            NodeIdentity.Role.SIDECAR, "127.0.0.1", "productpage-0", "default",
            Map.of("app", "productpage", "version", "v1"), "bookinfo-productpage", null, "e2e", null);
    return startProxy("sidecar", id, adminPort, Map.of(LocalNode.HTTP_PROXY_PORT, String.valueOf(FreePorts.pick())));
  }

  /**
   * The bootstrap {@code trellis proxy --xds} builds ({@link XdsBootstrap} from the same {@link
   * NodeIdentity}), plus the local-mesh metadata {@link LocalTranslationControlPlane} needs, run
   * with {@code trellis proxy --bootstrap}.
   */
  private TrellisProcess startProxy(String name, NodeIdentity id, int adminPort, Map<String, String> extra) throws IOException {
    Bootstrap b = XdsBootstrap.create(id, "127.0.0.1", xdsPort, "127.0.0.1", adminPort, delta);
    Struct.Builder md = b.getNode().getMetadata().toBuilder();
    md.putFields(LocalNode.MODE, Value.newBuilder().setStringValue(LocalNode.Mode.LOOPBACK.name()).build());
    md.putFields(LocalNode.MESH_IP, Value.newBuilder().setStringValue("127.0.0.1").build());
    extra.forEach((k, v) -> md.putFields(k, Value.newBuilder().setStringValue(v).build()));
    Bootstrap withMeta = b.toBuilder().setNode(b.getNode().toBuilder().setMetadata(md)).build();
    String json =
        JsonFormat.printer()
            .usingTypeRegistry(TypeRegistry.newBuilder().add(HttpProtocolOptions.getDescriptor()).build())
            .print(withMeta);
    Path file = Files.writeString(root.resolve(name + "-bootstrap.json"), json, StandardCharsets.UTF_8);
    return started(TrellisProcess.trellis(name, logDir, List.of("proxy", "--bootstrap", file.toString(), "--concurrency", "2")));
  }

  private TrellisProcess started(TrellisProcess p) {
    processes.add(p);
    return p;
  }

  /** The control plane has recorded itself in the state directory (its API is up). */
  void awaitControlPlane() {
    StateDirectory dir = new StateDirectory(stateDir);
    awaitOrExplain("control plane in " + stateDir, () -> dir.readInfo().map(ControlPlaneInfo::pid).orElse(-1L) == controlPlane.pid());
  }

  /** Waits until {@code GET path} through the gateway is answered by {@code backend}. */
  void awaitGatewayRoute(String path, String backend) {
    awaitOrExplain("gateway routes " + path + " to " + backend, () -> backend.equals(gateway(path).body()));
  }

  /** Awaits a condition while the processes run; on failure, says what they logged. */
  void awaitOrExplain(String what, Callable<Boolean> condition) {
    try {
      await(what)
          .atMost(START_TIMEOUT)
          .pollInterval(Duration.ofMillis(100))
          .failFast("a process exited", () -> processes.stream().anyMatch(p -> !p.isAlive()))
          .ignoreExceptions()
          .until(condition);
    } catch (ConditionTimeoutException | TerminalFailureException e) {
      throw new AssertionError(e.getMessage() + "\n" + diagnostics(), e);
    }
  }

  record Reply(int status, String body) {}

  /** {@code GET http://127.0.0.1:GATEWAY_PORT/path} with the JDK's HTTP/1.1 client (keep-alive). */
  Reply gateway(String path) throws IOException, InterruptedException {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gatewayPort + path)).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), r.body());
  }

  /** What an in-process {@code trellis …} run returned. */
  record Run(int exit, String out, String err) {}

  /** Runs a {@code trellis} command in this JVM, as {@code ./trellis} would in its own. */
  static Run trellis(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  Run apply(Path file) {
    return trellis("apply", "-f", file.toString(), "--state-dir", stateDir.toString());
  }

  Run proxyStatus() {
    return trellis("proxy-status", "--state-dir", stateDir.toString());
  }

  /** The tail of every process's output, for failure messages. */
  String diagnostics() {
    StringBuilder s = new StringBuilder();
    for (TrellisProcess p : processes) {
      s.append(p.tail(40)).append('\n');
    }
    return s.toString();
  }

  @Override
  public void close() {
    for (int i = processes.size() - 1; i >= 0; i--) {
      processes.get(i).close();
    }
    backends.values().forEach(NamedBackend::close);
    http.close();
  }
}
