package io.trellis.control.config;

import io.trellis.api.model.Location;
import io.trellis.api.model.Resource;
import io.trellis.api.model.ResourceKey;
import io.trellis.api.validate.Problem;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Resources applied through the control plane's API ({@code trellis apply -f} / {@code trellis
 * delete -f}). They live as long as the control plane and, being the store's last source, override
 * and extend what the directory defines.
 *
 * <p>An apply is all-or-nothing: input with any error changes nothing and the caller gets every
 * problem. A delete removes resources that were applied here; naming one that was not is an error
 * (a resource defined in a file is removed by editing that file), and again nothing changes.
 */
public final class AppliedConfigSource implements ConfigSource {

  /** What an apply or delete did, or why it did nothing. */
  public record Result(boolean ok, List<ResourceKey> keys, List<Problem> problems) {
    public Result {
      keys = List.copyOf(keys);
      problems = List.copyOf(problems);
    }

    public List<String> messages() {
      return problems.stream().map(Problem::format).toList();
    }
  }

  private final ValidatingLoader loader;
  private final Map<ResourceKey, Resource<?>> applied = new TreeMap<>();
  private Consumer<SourceState> listener;

  public AppliedConfigSource(ValidatingLoader loader) {
    this.loader = Objects.requireNonNull(loader, "loader");
  }

  @Override
  public String name() {
    return "api";
  }

  @Override
  public synchronized void start(Consumer<SourceState> listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
    listener.accept(state());
  }

  /** Validates {@code content} (named {@code fileName} in messages) and applies all of it, or nothing. */
  public Result apply(String fileName, String content) {
    ValidatingLoader.Outcome outcome = loader.load(fileName, content);
    if (!outcome.accepted()) {
      return new Result(false, List.of(), outcome.problems());
    }
    if (outcome.resources().isEmpty()) {
      return new Result(false, List.of(), List.of(Problem.error(new Location(fileName, 1, 1), null, "", "no resources to apply", null)));
    }
    List<ResourceKey> keys = new ArrayList<>();
    synchronized (this) {
      for (Resource<?> r : outcome.resources()) {
        applied.put(r.key(), r);
        keys.add(r.key());
      }
      publish();
    }
    return new Result(true, keys, outcome.problems());
  }

  /** Removes the resources {@code content} names, all of them or none. */
  public Result delete(String fileName, String content) {
    ValidatingLoader.Outcome outcome = loader.load(fileName, content);
    List<Problem> problems = new ArrayList<>();
    // Only identity matters for a delete; a spec error does not stop naming what to remove.
    for (Problem p : outcome.problems()) {
      if (p.isError() && (p.resource() == null || p.path().equals("kind") || p.path().equals("apiVersion") || p.path().startsWith("metadata"))) {
        problems.add(p);
      }
    }
    List<ResourceKey> keys = new ArrayList<>();
    synchronized (this) {
      for (Resource<?> r : outcome.resources()) {
        if (!applied.containsKey(r.key())) {
          problems.add(
              Problem.error(
                  r.origin(),
                  r.key(),
                  "",
                  "was not applied through the API (a resource defined in a config file is removed by editing that file)",
                  null));
        }
        keys.add(r.key());
      }
      if (keys.isEmpty() && problems.isEmpty()) {
        problems.add(Problem.error(new Location(fileName, 1, 1), null, "", "no resources to delete", null));
      }
      if (!problems.isEmpty()) {
        return new Result(false, List.of(), problems);
      }
      keys.forEach(applied::remove);
      publish();
    }
    return new Result(true, keys, List.of());
  }

  public synchronized SourceState state() {
    return new SourceState(name(), List.copyOf(applied.values()), List.of());
  }

  private void publish() {
    if (listener != null) {
      listener.accept(state());
    }
  }

  @Override
  public synchronized void close() {
    listener = null;
  }
}
