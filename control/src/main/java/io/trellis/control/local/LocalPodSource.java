package io.trellis.control.local;

import io.trellis.api.model.Resource;
import io.trellis.control.config.ConfigSource;
import io.trellis.control.config.SourceState;
import io.trellis.control.config.ValidatingLoader;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The pods {@code trellis up} runs, published as Kubernetes {@code Pod} objects (labels, service
 * account, {@code status.podIP}, phase Running). They go through the same loader and validation
 * as any file, so the registry sees them exactly as it will see pods read from a cluster.
 */
public final class LocalPodSource implements ConfigSource {
  private final ValidatingLoader loader;
  private List<Resource<?>> pods = List.of();
  private Consumer<SourceState> listener;

  public LocalPodSource(ValidatingLoader loader) {
    this.loader = Objects.requireNonNull(loader, "loader");
  }

  @Override
  public String name() {
    return "pods";
  }

  @Override
  public synchronized void start(Consumer<SourceState> listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
    listener.accept(state());
  }

  /**
   * Replaces the published pods with {@code running}.
   *
   * @throws IllegalArgumentException when a pod does not make a valid Kubernetes Pod (with the
   *     loader's messages)
   */
  public synchronized void publish(Collection<LocalPod> running) {
    List<Resource<?>> next = new ArrayList<>();
    for (LocalPod p : running) {
      ValidatingLoader.Outcome o = loader.load("pod/" + p.namespace() + "/" + p.name(), json(p));
      if (!o.accepted()) {
        throw new IllegalArgumentException(String.join("; ", o.errors().stream().map(e -> e.format()).toList()));
      }
      next.addAll(o.resources());
    }
    pods = List.copyOf(next);
    if (listener != null) {
      listener.accept(state());
    }
  }

  public synchronized SourceState state() {
    return new SourceState(name(), pods, List.of());
  }

  /** The pod as the API server would return it (the parts the mesh reads). */
  static String json(LocalPod p) {
    StringBuilder labels = new StringBuilder();
    for (Map.Entry<String, String> e : p.labels().entrySet()) {
      if (!labels.isEmpty()) {
        labels.append(',');
      }
      labels.append(quote(e.getKey())).append(':').append(quote(e.getValue()));
    }
    return "{\"apiVersion\":\"v1\",\"kind\":\"Pod\","
        + "\"metadata\":{\"name\":" + quote(p.name()) + ",\"namespace\":" + quote(p.namespace()) + ",\"labels\":{" + labels + "}},"
        + "\"spec\":{\"serviceAccountName\":" + quote(p.serviceAccount()) + ",\"containers\":[{\"name\":\"app\",\"image\":\"local\"}]},"
        + "\"status\":{\"phase\":\"Running\",\"podIP\":" + quote(p.ip()) + ",\"podIPs\":[{\"ip\":" + quote(p.ip()) + "}]}}";
  }

  private static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  @Override
  public synchronized void close() {
    listener = null;
  }
}
