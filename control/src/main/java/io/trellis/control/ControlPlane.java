package io.trellis.control;

import io.trellis.control.admin.AdminServer;
import io.trellis.control.admin.ControlPlaneInfo;
import io.trellis.control.admin.StateDirectory;
import io.trellis.control.config.AppliedConfigSource;
import io.trellis.control.config.ConfigSnapshot;
import io.trellis.control.config.ConfigSource;
import io.trellis.control.config.ConfigStore;
import io.trellis.control.config.DirectoryConfigSource;
import io.trellis.control.config.ValidatingLoader;
import io.trellis.control.push.PushDebouncer;
import io.trellis.control.push.PushScopes;
import io.trellis.control.push.Scheduler;
import io.trellis.control.push.XdsGeneratorFactory;
import io.trellis.control.status.ControlPlaneMetrics;
import io.trellis.control.status.MonitoringServer;
import io.trellis.control.xds.PushScope;
import io.trellis.control.xds.XdsGenerator;
import io.trellis.control.xds.XdsServer;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane, assembled: config sources → store → (debounced) translation → xDS server, plus
 * the local API for {@code trellis apply/delete/proxy-status/proxy-config} and the metrics
 * endpoint. This is the only class that knows how the parts connect; each part knows only its
 * neighbours' interfaces.
 */
public final class ControlPlane implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ControlPlane.class);

  /**
   * How to run.
   *
   * @param configDir directory of YAML to watch, or {@code null} for none (API and extra sources
   *     only)
   * @param host address of the local API and the metrics endpoint; loopback unless you mean to
   *     expose them (the API changes configuration, guarded only by its token)
   * @param xdsHost address of the xDS server: loopback by default; {@code trellis up --isolation
   *     netns} binds it where sidecars in other network namespaces can reach it
   * @param xdsPort ADS port (15010 by default, 0 for any free port)
   * @param apiPort local API port (0, the default, for any free port: commands find it through the
   *     state directory)
   * @param monitoringPort metrics port (15014 by default, 0 for any, -1 to disable)
   * @param stateDir where the token and {@code control-plane.json} go
   * @param extraSources further sources between the directory and the API (e.g. {@code trellis
   *     up}'s pods); the API still overrides them
   * @param rescanInterval the directory source's safety-net rescan period
   * @param debounceQuiet quiet period before a push
   * @param debounceMax longest a push waits under a steady stream of changes
   */
  public record Options(
      Path configDir,
      String host,
      String xdsHost,
      int xdsPort,
      int apiPort,
      int monitoringPort,
      StateDirectory stateDir,
      List<ConfigSource> extraSources,
      Duration rescanInterval,
      Duration debounceQuiet,
      Duration debounceMax) {

    public Options {
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(xdsHost, "xdsHost");
      Objects.requireNonNull(stateDir, "stateDir");
      extraSources = List.copyOf(extraSources);
      Objects.requireNonNull(rescanInterval, "rescanInterval");
      Objects.requireNonNull(debounceQuiet, "debounceQuiet");
      Objects.requireNonNull(debounceMax, "debounceMax");
    }

    /** Istio's ports on loopback, the given config directory and state directory. */
    public static Options defaults(Path configDir, StateDirectory stateDir) {
      return new Options(
          configDir,
          "127.0.0.1",
          "127.0.0.1",
          XdsServer.DEFAULT_PORT,
          0,
          MonitoringServer.DEFAULT_PORT,
          stateDir,
          List.of(),
          DirectoryConfigSource.DEFAULT_RESCAN,
          PushDebouncer.DEFAULT_QUIET,
          PushDebouncer.DEFAULT_MAX);
    }

    public Options withPorts(int xds, int api, int monitoring) {
      return new Options(configDir, host, xdsHost, xds, api, monitoring, stateDir, extraSources, rescanInterval, debounceQuiet, debounceMax);
    }

    public Options withExtraSources(List<ConfigSource> sources) {
      return new Options(configDir, host, xdsHost, xdsPort, apiPort, monitoringPort, stateDir, sources, rescanInterval, debounceQuiet, debounceMax);
    }

    public Options withXdsHost(String address) {
      return new Options(configDir, host, address, xdsPort, apiPort, monitoringPort, stateDir, extraSources, rescanInterval, debounceQuiet, debounceMax);
    }
  }

  private final Options options;
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final ScheduledExecutorService configExecutor;
  private final ScheduledExecutorService pushExecutor;
  private final ConfigStore store;
  private final AppliedConfigSource applied;
  private final XdsServer xds;
  private final AdminServer admin;
  private final MonitoringServer monitoring;
  private final ControlPlaneMetrics metrics;
  private final ControlPlaneInfo info;

  private ControlPlane(Options o, Optional<XdsGeneratorFactory> translation, Clock clock) throws IOException {
    this.options = o;
    o.stateDir().claim();
    configExecutor = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("config-watch").daemon().factory());
    pushExecutor = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("push-debounce").daemon().factory());
    try {
      ValidatingLoader loader = new ValidatingLoader();
      List<ConfigSource> sources = new ArrayList<>();
      if (o.configDir() != null) {
        sources.add(new DirectoryConfigSource(o.configDir(), loader, configExecutor, o.rescanInterval(), clock));
      }
      sources.addAll(o.extraSources());
      applied = new AppliedConfigSource(loader);
      sources.add(applied);
      store = new ConfigStore(sources);
      closeables.add(store);

      metrics = new ControlPlaneMetrics();
      xds =
          XdsServer.builder()
              .host(o.xdsHost())
              .port(o.xdsPort())
              .observer(metrics)
              .clock(clock)
              .responseBudget(XdsServer.defaultResponseBudget())
              .start();
      closeables.add(xds);

      PushDebouncer debouncer =
          new PushDebouncer(
              o.debounceQuiet(), o.debounceMax(), clock, Scheduler.of(pushExecutor), scope -> push(translation, scope));
      store.addListener(
          change -> {
            metrics.configRejections(change.snapshot().rejections().size());
            if (!change.changed().isEmpty()) {
              debouncer.submit(PushScopes.of(change.changed(), clock.instant()));
            }
          });
      store.start();
      metrics.configRejections(store.snapshot().rejections().size());
      push(translation, PushScope.full(Set.of(), clock.instant()));

      String token = o.stateDir().writeNewToken(new SecureRandom());
      admin = AdminServer.start(o.host(), o.apiPort(), token, applied, xds, store::snapshot);
      closeables.add(admin);
      if (o.monitoringPort() >= 0) {
        monitoring = MonitoringServer.start(o.host(), o.monitoringPort(), metrics);
        closeables.add(monitoring);
      } else {
        monitoring = null;
      }
      info =
          new ControlPlaneInfo(
              ProcessHandle.current().pid(),
              o.host(),
              admin.port(),
              o.xdsHost(),
              xds.port(),
              monitoring == null ? 0 : monitoring.port(),
              o.stateDir().tokenFile());
      o.stateDir().writeInfo(info);
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
    log.info(
        "control plane up: xDS {}:{}, API {}:{}, metrics {}, config {}, state {}",
        o.xdsHost(), xds.port(), o.host(), admin.port(),
        monitoring == null ? "off" : o.host() + ":" + monitoring.port() + "/metrics",
        o.configDir() == null ? "(none)" : o.configDir(),
        o.stateDir().path());
  }

  /**
   * Starts a control plane with the translation found on the class path ({@link
   * XdsGeneratorFactory} via {@link ServiceLoader}). Without one, it still serves xDS, the API and
   * status, but proxies receive no resources; that is logged as an error.
   */
  public static ControlPlane start(Options options) throws IOException {
    Optional<XdsGeneratorFactory> found = ServiceLoader.load(XdsGeneratorFactory.class).findFirst();
    if (found.isEmpty()) {
      log.error(
          "no translation on the class path (no {} service): proxies will connect but receive no configuration",
          XdsGeneratorFactory.class.getName());
    }
    return new ControlPlane(options, found, Clock.systemUTC());
  }

  /** Starts a control plane with the given translation. */
  public static ControlPlane start(Options options, XdsGeneratorFactory translation, Clock clock) throws IOException {
    return new ControlPlane(options, Optional.of(translation), clock);
  }

  /** Translates the current snapshot and hands it to the xDS server; runs on the push thread. */
  private void push(Optional<XdsGeneratorFactory> translation, PushScope scope) {
    ConfigSnapshot snapshot = store.snapshot();
    XdsGenerator generator;
    try {
      generator = translation.map(t -> t.create(snapshot)).orElse(XdsGenerator.EMPTY);
    } catch (RuntimeException e) {
      log.error("translating config version {} failed; proxies keep the configuration they have", snapshot.version(), e);
      return;
    }
    log.debug("push of config version {} ({}, {} change(s))", snapshot.version(), scope.kind(), scope.changed().size());
    xds.update(generator, scope);
  }

  public ControlPlaneInfo info() {
    return info;
  }

  public ConfigStore store() {
    return store;
  }

  public AppliedConfigSource applied() {
    return applied;
  }

  public XdsServer xds() {
    return xds;
  }

  public ControlPlaneMetrics metrics() {
    return metrics;
  }

  @Override
  public void close() {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      try {
        closeables.get(i).close();
      } catch (Exception e) {
        log.warn("closing {} failed: {}", closeables.get(i).getClass().getSimpleName(), e.toString());
      }
    }
    closeables.clear();
    configExecutor.shutdownNow();
    pushExecutor.shutdownNow();
    options.stateDir().release(ProcessHandle.current().pid());
  }
}
