package io.trellis.cli;

import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.trellis.proxy.bootstrap.BootstrapException;
import io.trellis.proxy.bootstrap.BootstrapLoader;
import io.trellis.proxy.bootstrap.NodeIdentity;
import io.trellis.proxy.bootstrap.XdsBootstrap;
import io.trellis.proxy.server.ProxyServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code trellis proxy}: runs the data-plane proxy from an Envoy bootstrap file, or against a control
 * plane with the node identity an Istio sidecar or gateway would announce. Logs one line per
 * configuration change to stderr; stops cleanly on SIGTERM and on the admin's {@code /quitquitquit}.
 */
@Command(
    name = "proxy",
    mixinStandardHelpOptions = true,
    description = {
      "Run the Trellis proxy, configured by an Envoy bootstrap file or over xDS (ADS) from a control plane.",
      "Examples:",
      "  trellis proxy --bootstrap envoy.yaml",
      "  trellis proxy --xds 127.0.0.1:15010 --role sidecar --namespace default --labels app=reviews,version=v1"
          + " --service-account bookinfo-reviews",
      "The launcher runs the proxy with the JVM options in cli/src/main/resources/io/trellis/cli/up/proxy-jvm.options"
          + " (a 16-96 MB heap, ...) and from an AOT cache it records once per build. TRELLIS_JAVA_OPTS='-Xmx256m ...'"
          + " overrides single options, TRELLIS_PROXY_AOT=off skips the cache, TRELLIS_PROXY_PROFILE=off both."
    })
public final class ProxyCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Source source;

  static final class Source {
    @Option(names = "--bootstrap", paramLabel = "FILE", description = "Envoy bootstrap (YAML or JSON).")
    Path bootstrap;

    @Option(names = "--xds", paramLabel = "HOST:PORT", description = "The control plane's ADS address.")
    String xds;

    /** Run by the launcher with {@code -XX:AOTCacheOutput}: the workload the JVM's AOT cache is recorded from. */
    @Option(names = "--aot-training", hidden = true, description = "Proxy a fixed workload to a built-in origin, then exit.")
    boolean aotTraining;
  }

  @Option(names = "--role", defaultValue = "sidecar", description = "sidecar or gateway (default: ${DEFAULT-VALUE}).")
  NodeIdentity.Role role;

  @Option(names = "--namespace", paramLabel = "NS", description = "The workload's namespace (required with --xds).")
  String namespace;

  @Option(names = "--labels", paramLabel = "k=v,...", split = ",", description = "The workload's labels.")
  Map<String, String> labels = new LinkedHashMap<>();

  @Option(names = "--service-account", paramLabel = "SA", defaultValue = "default", description = "The workload's service account.")
  String serviceAccount;

  @Option(names = "--pod", paramLabel = "NAME", description = "The pod (workload instance) name; default: this host's name.")
  String pod;

  @Option(names = "--id", paramLabel = "ID", description = "Use this xDS node id instead of the generated sidecar~IP~POD.NS~NS.svc.cluster.local.")
  String id;

  @Option(names = "--ip", paramLabel = "IP", defaultValue = "127.0.0.1", description = "The workload's IP (default: ${DEFAULT-VALUE}).")
  String ip;

  @Option(names = "--cluster-id", defaultValue = NodeIdentity.DEFAULT_CLUSTER_ID, description = "The mesh cluster's id (default: ${DEFAULT-VALUE}).")
  String clusterId;

  @Option(names = "--admin-port", paramLabel = "N", defaultValue = "15000", description = "Admin port on 127.0.0.1 with --xds (default: ${DEFAULT-VALUE}).")
  int adminPort;

  @Option(names = "--delta", description = "Use the delta xDS protocol (DELTA_GRPC) with --xds.")
  boolean delta;

  @Option(names = "--concurrency", paramLabel = "N", defaultValue = "0", description = "Event loops (default: one per core).")
  int concurrency;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    if (source.aotTraining) {
      return AotTraining.run(options(err), err);
    }
    String sourceName;
    Bootstrap bootstrap;
    try {
      if (source.bootstrap != null) {
        sourceName = source.bootstrap.toString();
        bootstrap = BootstrapLoader.load(source.bootstrap);
      } else {
        sourceName = "--xds " + source.xds;
        bootstrap = xdsBootstrap();
      }
    } catch (BootstrapException e) {
      err.println("trellis proxy: " + e.getMessage());
      err.flush();
      return 1;
    }
    ProxyServer.Options options = options(err);
    ProxyServer proxy;
    try {
      proxy = ProxyServer.start(bootstrap, sourceName, options);
    } catch (BootstrapException e) {
      err.println("trellis proxy: " + e.getMessage());
      err.flush();
      return 1;
    } catch (IOException e) {
      err.println("trellis proxy: " + e.getMessage());
      err.flush();
      return 1;
    }
    // SIGTERM (and Ctrl-C) run shutdown hooks: stop accepting, close connections, then exit.
    Thread hook = new Thread(proxy::close, "trellis-proxy-sigterm");
    Runtime.getRuntime().addShutdownHook(hook);
    proxy.awaitStopped();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // The JVM is already exiting because of a signal; the hook has run.
    }
    err.println(Instant.now() + " stopped");
    err.flush();
    return 0;
  }

  private ProxyServer.Options options(PrintWriter err) {
    return ProxyServer.Options.defaults()
        .withConcurrency(concurrency)
        .withVersion(VersionCommand.version())
        .withConfigLog(
            line -> {
              synchronized (err) {
                err.println(Instant.now() + " " + line);
                err.flush();
              }
            });
  }

  private Bootstrap xdsBootstrap() throws BootstrapException {
    int colon = source.xds.lastIndexOf(':');
    int port;
    try {
      port = colon < 0 ? -1 : Integer.parseInt(source.xds.substring(colon + 1));
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (colon <= 0 || port < 1 || port > 65535) {
      throw new ParameterException(spec.commandLine(), "--xds: '" + source.xds + "' (expected: HOST:PORT)");
    }
    if (namespace == null || namespace.isEmpty()) {
      throw new ParameterException(spec.commandLine(), "--namespace: required with --xds");
    }
    String podName = pod;
    if (podName == null || podName.isEmpty()) {
      try {
        podName = InetAddress.getLocalHost().getHostName();
      } catch (IOException e) {
        podName = "trellis-proxy";
      }
    }
    NodeIdentity identity;
    try {
      identity = new NodeIdentity(role, ip, podName, namespace, labels, serviceAccount, clusterId, VersionCommand.version(), id);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    String host = source.xds.substring(0, colon);
    return BootstrapLoader.validated("--xds", XdsBootstrap.create(identity, host, port, "127.0.0.1", adminPort, delta));
  }
}
