package io.trellis.api.validate;

import io.trellis.api.model.Resource;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects the problems found in one resource, each located at its field path, so validators
 * only say what is wrong and where in the object — never which file or line.
 */
public final class Findings {

  private final Resource<?> resource;
  private final List<Problem> problems = new ArrayList<>();

  public Findings(Resource<?> resource) {
    this.resource = resource;
  }

  public Resource<?> resource() {
    return resource;
  }

  public void error(String path, String message) {
    error(path, message, null);
  }

  public void error(String path, String message, String expected) {
    problems.add(Problem.error(resource.location(path), resource.key(), path, message, expected));
  }

  public void warning(String path, String message) {
    warning(path, message, null);
  }

  public void warning(String path, String message, String expected) {
    problems.add(Problem.warning(resource.location(path), resource.key(), path, message, expected));
  }

  /** Reports {@code message} as an error when it is not {@code null} (the rule helpers' convention). */
  public void errorIf(String path, String message) {
    if (message != null) {
      error(path, message);
    }
  }

  /** Whether {@code path} was written in the source, even as an empty value. */
  public boolean isSet(String path) {
    return resource.isSet(path);
  }

  public List<Problem> problems() {
    return List.copyOf(problems);
  }
}
