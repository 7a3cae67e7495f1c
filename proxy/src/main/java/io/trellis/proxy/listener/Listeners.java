package io.trellis.proxy.listener;

import io.trellis.proxy.config.listener.ListenerConfig;
import io.trellis.proxy.config.route.RouteConfig;
import io.trellis.proxy.http.StreamObserver;
import io.trellis.proxy.http.filter.FilterContext;
import io.trellis.proxy.http.filter.HttpFilterRegistry;
import io.trellis.proxy.http.filter.cors.CorsFilterProvider;
import io.trellis.proxy.http.filter.fault.FaultFilterProvider;
import io.trellis.proxy.net.Transport;
import io.trellis.proxy.router.RouterFilterProvider;
import io.trellis.proxy.stats.StatsStore;
import io.trellis.proxy.tls.Secret;
import io.trellis.proxy.tls.SecretRef;
import io.trellis.proxy.tls.Secrets;
import io.trellis.proxy.tls.ServerTlsContext;
import io.trellis.proxy.upstream.ClusterManager;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * Every listener of one proxy, driven by the xDS layer with states of the world. Thread-safe; the
 * apply methods block their caller while binding and must not be called from an event loop.
 *
 * <p>{@link #applyListeners} compiles all listeners first and throws {@link IllegalArgumentException}
 * (listing every bad listener) before changing anything, so the caller can NACK and the last good
 * configuration stays. Then it binds new listeners, swaps updated ones (connections on the old
 * version drain: HTTP/1.1 gets {@code Connection: close} on its next response, HTTP/2 a GOAWAY, and
 * anything still open after the drain time is closed), and stops and drains removed ones.
 */
public final class Listeners implements AutoCloseable {
  /** How long a draining connection may take before it is closed (Envoy's drain time, shortened). */
  public static final Duration DEFAULT_DRAIN_TIME = Duration.ofSeconds(10);

  private final Transport transport;
  private final StatsStore stats;
  private final HttpFilterRegistry filters;
  private final FilterContext context;
  private final Duration drainTime;
  private final StreamObserver observer;
  private final RdsRouteTables rds = new RdsRouteTables();
  private final Map<String, ActiveListener> active = new LinkedHashMap<>();
  private final Map<String, ListenerConfig> configs = new LinkedHashMap<>();
  private final Map<String, ListenerConfig> warming = new LinkedHashMap<>();
  private Secrets secrets = Secrets.NONE;
  private Consumer<Set<String>> secretSubscriber = names -> {};
  private Set<String> announced;

  public Listeners(Transport transport, ClusterManager clusters, StatsStore stats, Clock clock) {
    this(transport, clusters, stats, clock, threadLocalRandom(), defaultFilters(), DEFAULT_DRAIN_TIME);
  }

  public Listeners(
      Transport transport, ClusterManager clusters, StatsStore stats, Clock clock, RandomGenerator random,
      HttpFilterRegistry filters, Duration drainTime) {
    this(transport, clusters, stats, clock, random, filters, drainTime, StreamObserver.NONE);
  }

  /** With an observer of every finished HTTP request (access logs, telemetry). */
  public Listeners(
      Transport transport, ClusterManager clusters, StatsStore stats, Clock clock, RandomGenerator random,
      HttpFilterRegistry filters, Duration drainTime, StreamObserver observer) {
    this.observer = observer;
    this.transport = transport;
    this.stats = stats;
    this.filters = filters;
    this.context = new FilterContext(clusters, stats, "", clock, random);
    this.drainTime = drainTime;
  }

  /** A registry with the filters this package provides (the router); add more with {@code register}. */
  public static HttpFilterRegistry defaultFilters() {
    return new HttpFilterRegistry().register(new RouterFilterProvider()).register(new FaultFilterProvider())
        .register(new CorsFilterProvider());
  }

  /** A random source that is safe on every event loop at once. */
  public static RandomGenerator threadLocalRandom() {
    return new RandomGenerator() {
      @Override
      public long nextLong() {
        return ThreadLocalRandom.current().nextLong();
      }

      @Override
      public long nextLong(long bound) {
        return ThreadLocalRandom.current().nextLong(bound);
      }
    };
  }

  /**
   * Applies the complete set of listeners. A listener whose TLS chains name SDS secrets that have not
   * arrived <em>warms</em>: it is validated but not bound (an update leaves the running version
   * serving) until {@link #applySecrets} delivers them, as Envoy warms listeners.
   */
  public synchronized void applyListeners(Collection<ListenerConfig> listeners) {
    Map<String, CompiledListener> compiled = new LinkedHashMap<>();
    Map<String, ListenerConfig> nextWarming = new LinkedHashMap<>();
    List<String> errors = new ArrayList<>();
    for (ListenerConfig c : listeners) {
      if (compiled.containsKey(c.name()) || nextWarming.containsKey(c.name())) {
        errors.add("listener[" + c.name() + "]: name given twice (expected: unique)");
        continue;
      }
      ListenerConfig old = configs.get(c.name());
      if (old != null && old.equals(c)) {
        compiled.put(c.name(), null);
        continue;
      }
      try {
        List<SecretRef> missing = missingSecrets(c);
        List<SecretRef> missingStatic = missing.stream().filter(r -> !r.ads()).toList();
        if (!missingStatic.isEmpty()) {
          errors.add("listener[" + c.name() + "]: " + missingStatic + " not in static_resources.secrets"
              + " (expected: a static secret of that name, or sds_config: {ads: {}})");
        } else if (!missing.isEmpty()) {
          // Validate everything but the TLS contexts now, so a bad listener is rejected with LDS.
          CompiledListener.compile(c, rds, filters, context, observer, null);
          nextWarming.put(c.name(), c);
          if (old != null) {
            compiled.put(c.name(), null);
          }
        } else {
          compiled.put(c.name(), CompiledListener.compile(c, rds, filters, context, observer, secrets));
        }
      } catch (IllegalArgumentException e) {
        errors.add(e.getMessage());
      }
    }
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", errors));
    }
    for (String name : new ArrayList<>(active.keySet())) {
      if (!compiled.containsKey(name)) {
        ActiveListener gone = active.remove(name);
        configs.remove(name);
        gone.stopListening();
        gone.drainAll(drainTime);
      }
    }
    warming.clear();
    warming.putAll(nextWarming);
    announceSecretNames();
    install(compiled);
  }

  /** Binds new listeners and swaps updated ones; {@code null} values are listeners left as they are. */
  private void install(Map<String, CompiledListener> compiled) {
    List<String> bindErrors = new ArrayList<>();
    for (Map.Entry<String, CompiledListener> e : compiled.entrySet()) {
      CompiledListener next = e.getValue();
      if (next == null) {
        continue;
      }
      ActiveListener existing = active.get(e.getKey());
      ListenerConfig old = configs.get(e.getKey());
      try {
        if (existing != null && old.address().equals(next.config.address()) && old.port() == next.config.port()) {
          existing.update(next, drainTime);
        } else {
          ActiveListener fresh = new ActiveListener(e.getKey(), transport, stats, next);
          if (existing != null) {
            existing.stopListening();
          }
          fresh.bind();
          if (existing != null) {
            existing.drainAll(drainTime);
          }
          active.put(e.getKey(), fresh);
        }
        configs.put(e.getKey(), next.config);
      } catch (IllegalStateException ex) {
        bindErrors.add(ex.getMessage());
      }
    }
    if (!bindErrors.isEmpty()) {
      throw new IllegalStateException(String.join("; ", bindErrors));
    }
  }

  private List<SecretRef> missingSecrets(ListenerConfig c) {
    return CompiledListener.secretRefs(c).stream().filter(r -> secrets.find(r) == null).toList();
  }

  /**
   * Sets the bootstrap's static secrets ({@code static_resources.secrets}); call before the static
   * listeners that name them are applied.
   */
  public synchronized void applyStaticSecrets(Map<String, Secret> statics) {
    secrets = secrets.withStatics(statics);
  }

  /**
   * Applies the complete set of SDS secrets, by name. Every TLS context that uses them is rebuilt
   * first; if one cannot be built, nothing changes and the reasons are returned (the update is then
   * NACKed and the last good secrets stay). Otherwise new connections get the new contexts while open
   * ones keep theirs, and listeners that were warming for these secrets bind.
   */
  public synchronized List<String> applySecrets(Map<String, Secret> dynamic) {
    Secrets next = secrets.withDynamic(dynamic);
    List<String> errors = new ArrayList<>();
    Map<CompiledListener, List<ServerTlsContext>> rebuilt = new LinkedHashMap<>();
    for (ActiveListener l : active.values()) {
      CompiledListener c = l.current();
      if (!c.hasTls() || CompiledListener.secretRefs(c.config).stream().anyMatch(r -> next.find(r) == null)) {
        continue; // without TLS, or a secret went away: keep the contexts it has (Envoy keeps the last one)
      }
      try {
        rebuilt.put(c, c.buildContexts(next));
      } catch (IllegalArgumentException e) {
        errors.add(e.getMessage());
      }
    }
    Map<String, CompiledListener> ready = new LinkedHashMap<>();
    for (ListenerConfig w : warming.values()) {
      if (CompiledListener.secretRefs(w).stream().allMatch(r -> next.find(r) != null)) {
        try {
          ready.put(w.name(), CompiledListener.compile(w, rds, filters, context, observer, next));
        } catch (IllegalArgumentException e) {
          errors.add(e.getMessage());
        }
      }
    }
    if (!errors.isEmpty()) {
      return errors;
    }
    secrets = next;
    rebuilt.forEach(CompiledListener::useContexts);
    ready.keySet().forEach(warming::remove);
    try {
      install(ready);
    } catch (IllegalStateException e) {
      return List.of(e.getMessage());
    }
    return List.of();
  }

  /** Tells the subscriber which SDS secrets the applied and warming listeners name. */
  public synchronized void onSecretNames(Consumer<Set<String>> subscriber) {
    this.secretSubscriber = subscriber;
    announced = null;
    announceSecretNames();
  }

  /** The SDS secret names the applied and warming listeners need. */
  public synchronized Set<String> secretNames() {
    Set<String> names = new TreeSet<>();
    for (ListenerConfig c : configs.values()) {
      CompiledListener.secretRefs(c).stream().filter(SecretRef::ads).forEach(r -> names.add(r.name()));
    }
    for (ListenerConfig c : warming.values()) {
      CompiledListener.secretRefs(c).stream().filter(SecretRef::ads).forEach(r -> names.add(r.name()));
    }
    return names;
  }

  /** Listeners waiting for SDS secrets, by name. */
  public synchronized Set<String> warmingListeners() {
    return Set.copyOf(warming.keySet());
  }

  private void announceSecretNames() {
    Set<String> names = secretNames();
    if (!names.equals(announced)) {
      announced = names;
      secretSubscriber.accept(Set.copyOf(names));
    }
  }

  /** Applies the complete set of RDS route configurations, by name. */
  public void applyRouteConfigs(Map<String, RouteConfig> routeConfigs) {
    rds.apply(new HashMap<>(routeConfigs));
  }

  /** The port a listener is bound to (the actual one when 0 was asked), or -1 when there is no such listener. */
  public synchronized int boundPort(String listenerName) {
    ActiveListener l = active.get(listenerName);
    return l == null ? -1 : l.port();
  }

  /** The configurations currently applied, by name. */
  public synchronized Map<String, ListenerConfig> configs() {
    return Map.copyOf(configs);
  }

  /** Open connections of a listener (for tests and the admin's /listeners). */
  public synchronized int connectionCount(String listenerName) {
    ActiveListener l = active.get(listenerName);
    return l == null ? 0 : l.connectionCount();
  }

  /** Stops accepting on every listener and drains every connection (admin {@code /drain_listeners}). */
  public synchronized void drainAll() {
    for (ActiveListener l : active.values()) {
      l.stopListening();
      l.drainAll(drainTime);
    }
    active.clear();
    configs.clear();
    warming.clear();
  }

  @Override
  public synchronized void close() {
    for (ActiveListener l : active.values()) {
      l.closeNow();
    }
    active.clear();
    configs.clear();
    warming.clear();
  }
}
