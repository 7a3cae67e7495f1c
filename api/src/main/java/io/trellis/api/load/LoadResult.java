package io.trellis.api.load;

import io.trellis.api.model.Resource;
import io.trellis.api.model.Spec;
import io.trellis.api.validate.Problem;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * What a load produced: every resource that could be identified (in file order), and every
 * problem found while reading and binding. A resource with binding problems is still present,
 * with absent values where its input was wrong, so that validation can report everything else
 * about it; {@link #isClean(Resource)} tells which ones loaded without error.
 */
public final class LoadResult {

  private final List<Resource<?>> resources;
  private final List<Problem> problems;
  private final Set<Resource<?>> withErrors;

  LoadResult(List<Resource<?>> resources, List<Problem> problems, List<Resource<?>> withErrors) {
    this.resources = List.copyOf(resources);
    this.problems = List.copyOf(problems);
    Set<Resource<?>> set = Collections.newSetFromMap(new IdentityHashMap<>());
    set.addAll(withErrors);
    this.withErrors = Collections.unmodifiableSet(set);
  }

  public List<Resource<?>> resources() {
    return resources;
  }

  public List<Problem> problems() {
    return problems;
  }

  public boolean hasErrors() {
    return problems.stream().anyMatch(Problem::isError);
  }

  /** Whether {@code resource} loaded without an error of its own. */
  public boolean isClean(Resource<?> resource) {
    return !withErrors.contains(resource);
  }

  /** The resources whose content is {@code type}, e.g. {@code ofType(VirtualService.class)}. */
  public <T extends Spec> List<Resource<T>> ofType(Class<T> type) {
    return resources.stream().filter(r -> type.isInstance(r.spec())).map(r -> r.as(type)).toList();
  }
}
