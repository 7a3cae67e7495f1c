package io.trellis.cli.up;

import io.trellis.api.model.Resource;
import io.trellis.api.model.ResourceKey;
import io.trellis.api.model.kube.Container;
import io.trellis.api.model.kube.Service;
import io.trellis.control.ControlPlane;
import io.trellis.control.admin.StateDirectory;
import io.trellis.control.config.ConfigSnapshot;
import io.trellis.control.config.ConfigStore;
import io.trellis.control.config.ValidatingLoader;
import io.trellis.control.local.LocalMeshTranslation;
import io.trellis.control.local.LocalNode;
import io.trellis.control.local.LocalPod;
import io.trellis.control.local.LocalPodSource;
import io.trellis.control.local.TopLevelFilesSource;
import io.trellis.proxy.bootstrap.NodeIdentity;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local mesh, assembled: the control plane in process (reading the directory's top-level
 * files and the pods this class runs), an ingress gateway, and a pod per Deployment replica with a
 * sidecar where Istio would inject one. Deployments are reconciled from the control plane's store,
 * so an edited manifest (or one applied with {@code trellis apply}) starts, rolls or stops pods
 * just as a changed VirtualService reroutes traffic.
 */
public final class LocalMesh implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LocalMesh.class);

  /** How long a stopping process gets between SIGTERM and SIGKILL (Bookinfo needs ~2.4 s). */
  static final Duration STOP_GRACE = Duration.ofSeconds(5);

  /** A gateway recording the AOT cache writes it as it exits, which takes a while on a busy machine. */
  static final Duration RECORDING_GRACE = Duration.ofSeconds(45);

  static final String GATEWAY_NAMESPACE = "istio-system";
  static final Map<String, String> GATEWAY_LABELS = Map.of("istio", "ingressgateway", "app", "istio-ingressgateway");

  /**
   * How to run.
   *
   * @param dir the manifests' directory (also the pods' working directory)
   * @param isolation loopback or netns
   * @param ingressPort where the gateway serves the Gateway's HTTP server, on 127.0.0.1
   * @param stateDir the control plane's state directory (also holds logs and {@code up.json})
   * @param xdsPort the control plane's ADS port (0: any free one)
   * @param monitoringPort the control plane's metrics port (0: any, -1: off)
   * @param restartPolicy back-off for crashed apps
   */
  public record Options(
      Path dir, Isolation isolation, int ingressPort, StateDirectory stateDir, int xdsPort, int monitoringPort, RestartPolicy restartPolicy) {
    public Options {
      dir = dir.toAbsolutePath().normalize();
      Objects.requireNonNull(isolation, "isolation");
      Objects.requireNonNull(stateDir, "stateDir");
      Objects.requireNonNull(restartPolicy, "restartPolicy");
    }

    public static Options defaults(Path dir, Isolation isolation, int ingressPort, StateDirectory stateDir, int xdsPort, int monitoringPort) {
      return new Options(dir, isolation, ingressPort, stateDir, xdsPort, monitoringPort, RestartPolicy.DEFAULT);
    }
  }

  /** The manifests have errors; nothing was started. */
  public static final class ManifestErrors extends Exception {
    private final List<String> messages;

    ManifestErrors(List<String> messages) {
      super(messages.size() + " problem(s) in the manifests");
      this.messages = List.copyOf(messages);
    }

    public List<String> messages() {
      return messages;
    }
  }

  private final Options options;
  private final Clock clock = Clock.systemUTC();
  private final ScheduledExecutorService scheduler;
  private final ScheduledExecutorService reconciler;
  private final ValidatingLoader loader = new ValidatingLoader();
  private final LocalPodSource podSource = new LocalPodSource(loader);
  private final ProxyRuntime proxies;
  private final SandboxFactory sandboxes;
  private final Path logDir;
  private final Map<String, List<RunningPod>> pods = new LinkedHashMap<>();
  private final BitSet usedAddresses = new BitSet();
  private final Map<ResourceKey, String> serviceAddresses = new TreeMap<>();
  private ControlPlane controlPlane;
  private ManagedProcess gateway;
  private int gatewayAdminPort;
  private Path aotRecording;
  private boolean closed;

  private LocalMesh(Options options) throws IOException {
    this.options = options;
    this.scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("up-supervisor").daemon().factory());
    this.reconciler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("up-reconcile").daemon().factory());
    this.proxies = new ProxyRuntime(System.getProperty("java.class.path"));
    this.sandboxes = SandboxFactory.of(options.isolation(), proxies);
    this.logDir = options.stateDir().path().resolve("logs");
  }

  /**
   * Checks the manifests, then starts everything.
   *
   * @throws ManifestErrors when the manifests have errors (nothing was started)
   * @throws IOException when something cannot start (everything started is stopped again)
   */
  public static LocalMesh start(Options options, PrintWriter out) throws IOException, ManifestErrors {
    if (!Files.isDirectory(options.dir())) {
      throw new ManifestErrors(List.of(options.dir() + ": not a directory"));
    }
    MeshManifests manifests = MeshManifests.read(options.dir(), new ValidatingLoader());
    if (manifests.hasErrors()) {
      throw new ManifestErrors(manifests.problems().stream().map(p -> p.format()).toList());
    }
    manifests.problems().forEach(p -> out.println(p.format()));
    checkPortFree(options.ingressPort());
    LocalMesh mesh = new LocalMesh(options);
    try {
      mesh.startAll(out);
    } catch (IOException | RuntimeException e) {
      mesh.close();
      throw e;
    }
    return mesh;
  }

  private static void checkPortFree(int port) throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    } catch (IOException e) {
      throw new IOException("ingress port 127.0.0.1:" + port + " is taken (" + e.getMessage() + "); choose another with --ingress-port", e);
    }
  }

  private void startAll(PrintWriter out) throws IOException {
    Files.createDirectories(logDir);
    sandboxes.open();
    TopLevelFilesSource files = new TopLevelFilesSource(options.dir(), loader, scheduler, TopLevelFilesSource.DEFAULT_POLL, clock);
    ControlPlane.Options cp =
        ControlPlane.Options.defaults(null, options.stateDir())
            .withPorts(options.xdsPort(), 0, options.monitoringPort())
            .withXdsHost(sandboxes.xdsHost())
            .withExtraSources(List.of(files, podSource));
    controlPlane = ControlPlane.start(cp, LocalMeshTranslation.fromClassPath(), clock);
    startGateway();
    reconcile(controlPlane.store().snapshot());
    controlPlane.store().addListener(this::onChange);
    scheduler.scheduleWithFixedDelay(this::writeState, 1, 1, TimeUnit.SECONDS);
    printTable(out);
    writeState();
  }

  /** Deployment, Namespace or Service changes reconcile the pods; the pods' own publication does not. */
  private void onChange(ConfigStore.Change change) {
    boolean relevant =
        change.changed().stream().anyMatch(k -> Set.of("Deployment", "Namespace", "Service").contains(k.kind()));
    if (relevant) {
      reconciler.execute(() -> {
        try {
          reconcile(change.snapshot());
        } catch (IOException | RuntimeException e) {
          log.error("reconciling pods with config version {} failed: {}", change.snapshot().version(), e.toString(), e);
        }
      });
    }
  }

  private void startGateway() throws IOException {
    String podName = "istio-ingressgateway-local";
    gatewayAdminPort = freePort();
    NodeIdentity identity =
        new NodeIdentity(
            NodeIdentity.Role.GATEWAY, "127.0.0.1", podName, GATEWAY_NAMESPACE, GATEWAY_LABELS,
            "istio-ingressgateway-service-account", null, "", null);
    Map<String, String> md =
        Map.of(
            LocalNode.MODE, options.isolation().name(),
            LocalNode.INGRESS_BIND, "127.0.0.1",
            LocalNode.INGRESS_PORT, String.valueOf(options.ingressPort()));
    Path bootstrap =
        proxies.write(
            podName + ".bootstrap.json",
            ProxyBootstrap.json(identity, xdsConnectHost(), controlPlane.info().xdsPort(), "127.0.0.1", gatewayAdminPort, md));
    List<String> aot;
    if (proxies.aotCache().isPresent()) {
      aot = aotFlags();
    } else {
      // No cache for this build yet: the gateway records one while it runs, for later meshes.
      aotRecording = proxies.aotRecording();
      aot = List.of("-XX:AOTCacheOutput=" + aotRecording, "-Xlog:aot=error,cds=error");
    }
    List<String> cmd = ChildJava.trellis(proxies.classPath(), aot, List.of("proxy", "--bootstrap", bootstrap.toString(), "--concurrency", "1"));
    gateway = new ManagedProcess(
        new ManagedProcess.Spec(podName, cmd, proxyEnv(), options.dir(), logDir.resolve(podName + ".log"), true),
        options.restartPolicy(), scheduler, clock);
    gateway.start();
  }

  /** Start from the recorded AOT cache when there is one (see {@link ProxyRuntime}). */
  private List<String> aotFlags() throws IOException {
    return proxies.aotCache().map(c -> List.of("-XX:AOTCache=" + c, "-Xlog:aot=error,cds=error")).orElse(List.of());
  }

  /** Where a proxy on the host dials xDS: the xDS host, which in netns mode is the bridge address. */
  private String xdsConnectHost() {
    return sandboxes.xdsHost();
  }

  /** Brings the running pods in line with the Deployments of {@code snapshot}. Runs on the reconcile thread (or at start). */
  private synchronized void reconcile(ConfigSnapshot snapshot) throws IOException {
    if (closed) {
      return;
    }
    if (assignServiceAddresses(snapshot)) {
      for (List<RunningPod> list : pods.values()) {
        for (RunningPod p : list) {
          p.sandbox().updateHosts(p.name(), serviceNames(p.template().namespace()));
        }
      }
    }
    List<Resource<?>> all = new ArrayList<>(snapshot.resources().values());
    Map<String, PodTemplate> desired = new LinkedHashMap<>();
    for (PodTemplate t : PodTemplate.of(all)) {
      desired.put(t.key(), t);
    }
    List<RunningPod> retired = new ArrayList<>();
    for (String key : new ArrayList<>(pods.keySet())) {
      if (!desired.containsKey(key)) {
        retired.addAll(pods.remove(key));
      }
    }
    for (PodTemplate t : desired.values()) {
      List<RunningPod> current = pods.getOrDefault(t.key(), List.of());
      boolean sameTemplate = !current.isEmpty() && current.getFirst().template().hash().equals(t.hash());
      List<RunningPod> next = new ArrayList<>();
      if (sameTemplate) {
        for (RunningPod p : current) {
          (p.index() < t.replicas() ? next : retired).add(p);
        }
      } else {
        retired.addAll(current); // a new template: new pods first, then the old ones go (a rolling update)
      }
      for (int i = next.size(); i < t.replicas(); i++) {
        next.add(startPod(t, i));
      }
      if (next.isEmpty()) {
        pods.remove(t.key());
      } else {
        pods.put(t.key(), next);
      }
    }
    publishPods();
    if (!retired.isEmpty()) {
      stopPods(retired);
      publishPods();
    }
  }

  /** Gives every new Service a virtual IP (netns); returns whether there was one. */
  private boolean assignServiceAddresses(ConfigSnapshot snapshot) {
    boolean added = false;
    for (Resource<Service> s : snapshot.ofType(Service.class)) {
      if (!serviceAddresses.containsKey(s.key())) {
        String address = sandboxes.serviceAddress(serviceAddresses.size());
        if (address != null) {
          serviceAddresses.put(s.key(), address);
          added = true;
        }
      }
    }
    return added;
  }

  /** Service names as pods resolve them (netns): FQDN, {@code name.ns.svc}, {@code name.ns}, and {@code name} in its namespace. */
  private List<SandboxFactory.ServiceName> serviceNames(String podNamespace) {
    List<SandboxFactory.ServiceName> names = new ArrayList<>();
    serviceAddresses.forEach((key, ip) -> {
      List<String> n = new ArrayList<>(List.of(
          key.name() + "." + key.namespace() + ".svc.cluster.local", key.name() + "." + key.namespace() + ".svc", key.name() + "." + key.namespace()));
      if (key.namespace().equals(podNamespace)) {
        n.add(key.name());
      }
      names.add(new SandboxFactory.ServiceName(ip, n));
    });
    return names;
  }

  private RunningPod startPod(PodTemplate t, int index) throws IOException {
    int slot = usedAddresses.nextClearBit(0);
    usedAddresses.set(slot);
    String name = t.podName(index);
    PodSandbox sandbox;
    try {
      sandbox = sandboxes.create(slot, name, t.injected(), serviceNames(t.namespace()));
    } catch (IOException | RuntimeException e) {
      usedAddresses.clear(slot);
      throw e;
    }
    ManagedProcess sidecar = null;
    int adminPort = 0;
    try {
      if (t.injected()) {
        adminPort = 15000;
        NodeIdentity identity =
            new NodeIdentity(NodeIdentity.Role.SIDECAR, sandbox.meshIp(), name, t.namespace(), t.labels(), t.serviceAccount(), null, "", null);
        Path bootstrap =
            proxies.write(
                name + ".bootstrap.json",
                ProxyBootstrap.json(identity, xdsConnectHost(), controlPlane.info().xdsPort(), sandbox.meshIp(), adminPort, sandbox.proxyMetadata()));
        List<String> cmd = sandbox.proxyCommand(
            ChildJava.trellis(proxies.classPath(), aotFlags(), List.of("proxy", "--bootstrap", bootstrap.toString(), "--concurrency", "1")));
        sidecar = new ManagedProcess(
            new ManagedProcess.Spec(name + " sidecar", cmd, proxyEnv(), proxies.dir(), logDir.resolve(name + ".sidecar.log"), true),
            options.restartPolicy(), scheduler, clock);
        sidecar.start();
      }
      Map<String, String> env = appEnv(t, name, sandbox);
      Container c = t.container();
      List<String> command = new ArrayList<>(c.command());
      command.addAll(c.args());
      command.set(0, ChildJava.resolve(command.getFirst(), env.get("PATH")));
      Path workDir = c.workingDir().isEmpty() ? options.dir() : options.dir().resolve(c.workingDir());
      ManagedProcess app = new ManagedProcess(
          new ManagedProcess.Spec(name, sandbox.appCommand(command), env, workDir, logDir.resolve(name + ".log"), true),
          options.restartPolicy(), scheduler, clock);
      app.start();
      log.info("pod {} started: app pid {} on {}{}", name, app.pid(), sandbox.appIp(), sidecar == null ? "" : ", sidecar pid " + sidecar.pid());
      return new RunningPod(t, index, name, slot, sandbox, app, sidecar, adminPort);
    } catch (IOException | RuntimeException e) {
      if (sidecar != null) {
        sidecar.terminate();
        sidecar.awaitStop(STOP_GRACE);
      }
      sandbox.close();
      usedAddresses.clear(slot);
      throw e;
    }
  }

  private Map<String, String> appEnv(PodTemplate t, String podName, PodSandbox sandbox) {
    Map<String, String> env = new TreeMap<>();
    String hostPath = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
    env.put("PATH", ChildJava.javaBin() + ":" + hostPath);
    for (String keep : List.of("HOME", "LANG", "LC_ALL", "TZ", "TMPDIR")) {
      String v = System.getenv(keep);
      if (v != null) {
        env.put(keep, v);
      }
    }
    env.put("HOSTNAME", podName);
    for (Container.EnvVar e : t.container().env()) {
      if (e.value() != null) {
        env.put(e.name(), e.value());
      }
    }
    env.put("POD_NAME", podName);
    env.put("POD_NAMESPACE", t.namespace());
    env.put("POD_IP", sandbox.appIp());
    env.put("INSTANCE_IP", sandbox.appIp());
    env.put("SERVICE_ACCOUNT", t.serviceAccount());
    env.putAll(sandbox.appEnv(t.injected()));
    return env;
  }

  /** Proxies get the host's environment, minus any proxy settings meant for apps. */
  private static Map<String, String> proxyEnv() {
    Map<String, String> env = new TreeMap<>(System.getenv());
    for (String k : List.of("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy", "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS")) {
      env.remove(k);
    }
    return env;
  }

  private void publishPods() {
    List<LocalPod> running = new ArrayList<>();
    pods.values().forEach(list -> list.forEach(p -> running.add(p.asLocalPod())));
    podSource.publish(running);
  }

  private void stopPods(List<RunningPod> list) {
    list.forEach(p -> p.processes().forEach(ManagedProcess::terminate));
    list.forEach(p -> p.processes().forEach(m -> m.awaitStop(STOP_GRACE)));
    for (RunningPod p : list) {
      p.sandbox().close();
      usedAddresses.clear(p.addressIndex());
      log.info("pod {} stopped", p.name());
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** The running pods, by Deployment. */
  public synchronized List<PodStatus> status() {
    List<PodStatus> out = new ArrayList<>();
    pods.values().forEach(list -> list.forEach(p -> out.add(new PodStatus(
        p.name(), p.template().namespace(), p.sandbox().meshIp(), p.sandbox().appIp(), p.app().pid(),
        p.sidecar() == null ? -1 : p.sidecar().pid(), p.app().restarts(),
        p.sidecar() == null ? "" : "http://" + p.sandbox().meshIp() + ":" + p.adminPort(),
        logDir.resolve(p.name() + ".log").toString(),
        p.sidecar() == null ? "" : logDir.resolve(p.name() + ".sidecar.log").toString(),
        p.sandbox() instanceof NetnsSandbox n ? n.namespaceName() : ""))));
    return out;
  }

  public String ingressUrl() {
    return "http://127.0.0.1:" + options.ingressPort();
  }

  public ControlPlane controlPlane() {
    return controlPlane;
  }

  private void printTable(PrintWriter out) {
    List<PodStatus> status = status();
    String fmt = "%-34s %-10s %-12s %-12s %-8s %-8s %s%n";
    out.printf(fmt, "POD", "NAMESPACE", "POD IP", "APP IP", "APP PID", "SIDECAR", "SIDECAR ADMIN");
    for (PodStatus s : status) {
      out.printf(fmt, s.name(), s.namespace(), s.ip(), s.appIp(), s.appPid(), s.sidecarPid() < 0 ? "-" : String.valueOf(s.sidecarPid()),
          s.admin().isEmpty() ? "-" : s.admin());
    }
    out.printf("%ningress gateway  %s/  (pid %d, admin http://127.0.0.1:%d)%n", ingressUrl(), gateway.pid(), gatewayAdminPort);
    var info = controlPlane.info();
    out.printf("control plane    xDS %s:%d, API 127.0.0.1:%d (state %s)%n", info.xdsHost(), info.xdsPort(), info.apiPort(), options.stateDir().path());
    out.printf("logs             trellis logs POD [--sidecar] [-f]   (%s)%n", logDir);
    out.printf("isolation        %s%n", options.isolation().name().toLowerCase(java.util.Locale.ROOT));
    out.flush();
  }

  private void writeState() {
    try {
      MeshState.write(options.stateDir().path(), new MeshState(ProcessHandle.current().pid(), ingressUrl(),
          options.isolation().name().toLowerCase(java.util.Locale.ROOT), gateway == null ? -1 : gateway.pid(), gatewayAdminPort, status()));
    } catch (IOException | RuntimeException e) {
      log.debug("writing up.json failed: {}", e.toString());
    }
  }

  /** Stops everything: SIGTERM to every process, a grace period, SIGKILL to any left; then the sandboxes and the control plane. */
  @Override
  public void close() {
    List<RunningPod> all = new ArrayList<>();
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      pods.values().forEach(all::addAll);
      pods.clear();
    }
    reconciler.shutdownNow();
    List<ManagedProcess> processes = new ArrayList<>();
    all.forEach(p -> processes.addAll(p.processes()));
    if (gateway != null) {
      processes.add(gateway);
    }
    processes.forEach(ManagedProcess::terminate);
    processes.forEach(p -> p.awaitStop(p == gateway && aotRecording != null ? RECORDING_GRACE : STOP_GRACE));
    if (aotRecording != null) {
      proxies.adoptAotCache(aotRecording);
    }
    scheduler.shutdownNow();
    for (RunningPod p : all) {
      p.sandbox().close();
    }
    sandboxes.close();
    if (controlPlane != null) {
      controlPlane.close();
    }
    MeshState.remove(options.stateDir().path());
    proxies.close();
  }
}
