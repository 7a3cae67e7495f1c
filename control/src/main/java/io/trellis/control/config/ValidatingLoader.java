package io.trellis.control.config;

import io.trellis.api.load.ConfigLoader;
import io.trellis.api.load.LoadResult;
import io.trellis.api.model.Resource;
import io.trellis.api.validate.ConfigValidator;
import io.trellis.api.validate.Problem;
import io.trellis.api.validate.ValidationReport;
import java.util.List;

/**
 * Reads one file's (or one request's) worth of configuration with the api module's loader and
 * validation, and decides whether it may be used: all of it, or none of it. Accepting part of a
 * file would leave a half-applied change that nobody wrote.
 */
public final class ValidatingLoader {

  /**
   * What one input produced.
   *
   * @param resources the resources it defines (meaningful only when {@link #accepted()})
   * @param problems errors and warnings, formatted by {@link Problem#format()}
   */
  public record Outcome(List<Resource<?>> resources, List<Problem> problems) {
    public Outcome {
      resources = List.copyOf(resources);
      problems = List.copyOf(problems);
    }

    /** True when there is no error (warnings do not block). */
    public boolean accepted() {
      return problems.stream().noneMatch(Problem::isError);
    }

    public List<Problem> errors() {
      return problems.stream().filter(Problem::isError).toList();
    }
  }

  private final ConfigLoader loader;
  private final ConfigValidator validator = new ConfigValidator();

  public ValidatingLoader() {
    this(new ConfigLoader());
  }

  public ValidatingLoader(ConfigLoader loader) {
    this.loader = loader;
  }

  /**
   * Loads and validates {@code content} with Istio's webhook semantics (binding, then every
   * kind's own rules), naming it {@code fileName} in every message.
   */
  public Outcome load(String fileName, String content) {
    LoadResult loaded = loader.load(fileName, content);
    ValidationReport report = validator.validate(loaded);
    return new Outcome(loaded.resources(), report.problems());
  }
}
