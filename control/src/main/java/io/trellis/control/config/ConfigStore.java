package io.trellis.control.config;

import io.trellis.api.model.Resource;
import io.trellis.api.model.ResourceKey;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Merges its sources into one {@link ConfigSnapshot} and tells listeners what changed. Sources are
 * ranked in the order given: a resource from a later source replaces one with the same key from an
 * earlier source (so resources applied through the API override the directory's).
 *
 * <p>A new snapshot is made only when content changed; a source republishing the same resources
 * (a rescan, an informer relist) changes nothing and notifies no one.
 */
public final class ConfigStore implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ConfigStore.class);

  /**
   * One change: the new snapshot and the keys whose content was added, changed or removed.
   *
   * @param snapshot the configuration now in force
   * @param changed keys that differ from the previous snapshot (empty when only rejections changed)
   */
  public record Change(ConfigSnapshot snapshot, Set<ResourceKey> changed) {}

  private final List<ConfigSource> sources;
  private final SourceState[] states;
  private final List<Consumer<Change>> listeners = new CopyOnWriteArrayList<>();
  private volatile ConfigSnapshot snapshot = ConfigSnapshot.EMPTY;

  public ConfigStore(List<ConfigSource> sources) {
    this.sources = List.copyOf(sources);
    this.states = new SourceState[this.sources.size()];
    for (int i = 0; i < states.length; i++) {
      states[i] = SourceState.empty(this.sources.get(i).name());
    }
  }

  /** Listeners hear every change after it is in force, in order, on the changing source's thread. */
  public void addListener(Consumer<Change> listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** Starts every source; when this returns, the snapshot holds every source's initial state. */
  public void start() throws IOException {
    for (int i = 0; i < sources.size(); i++) {
      int rank = i;
      sources.get(i).start(state -> onSourceState(rank, state));
    }
  }

  public ConfigSnapshot snapshot() {
    return snapshot;
  }

  private synchronized void onSourceState(int rank, SourceState state) {
    states[rank] = state;
    Map<ResourceKey, Resource<?>> merged = new TreeMap<>();
    List<Rejection> rejections = new ArrayList<>();
    for (SourceState s : states) {
      for (Resource<?> r : s.resources()) {
        Resource<?> earlier = merged.put(r.key(), r);
        if (earlier != null && s == state && !sameContent(earlier, r)) {
          log.debug("{} from {} overrides {}", r.key(), r.origin(), earlier.origin());
        }
      }
      rejections.addAll(s.rejections());
    }
    ConfigSnapshot previous = snapshot;
    Set<ResourceKey> changed = new TreeSet<>();
    for (var e : merged.entrySet()) {
      Resource<?> before = previous.resources().get(e.getKey());
      if (before == null || !sameContent(before, e.getValue())) {
        changed.add(e.getKey());
      }
    }
    for (ResourceKey k : previous.resources().keySet()) {
      if (!merged.containsKey(k)) {
        changed.add(k);
      }
    }
    if (changed.isEmpty() && rejections.equals(previous.rejections())) {
      return;
    }
    ConfigSnapshot next = new ConfigSnapshot(previous.version() + 1, merged, rejections);
    snapshot = next;
    Change change = new Change(next, changed);
    for (Consumer<Change> l : listeners) {
      try {
        l.accept(change);
      } catch (RuntimeException e) {
        log.error("config listener failed on snapshot {}", next.version(), e);
      }
    }
  }

  /**
   * Same content means same API version, metadata and spec; where it was written (line numbers)
   * does not matter, so reformatting a file pushes nothing.
   */
  static boolean sameContent(Resource<?> a, Resource<?> b) {
    return a.apiVersion().equals(b.apiVersion()) && a.metadata().equals(b.metadata()) && a.spec().equals(b.spec());
  }

  @Override
  public void close() {
    for (ConfigSource s : sources) {
      s.close();
    }
  }
}
