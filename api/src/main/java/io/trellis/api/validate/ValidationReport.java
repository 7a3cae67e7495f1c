package io.trellis.api.validate;

import io.trellis.api.model.Resource;
import java.util.List;

/**
 * The outcome of validating a load: every problem (sorted by file and line) and the resources
 * that can be used — those with no error of their own; warnings do not reject a resource.
 *
 * @param resourceCount how many resources were identified
 */
public record ValidationReport(int resourceCount, List<Resource<?>> accepted, List<Problem> problems) {

  public ValidationReport {
    accepted = List.copyOf(accepted);
    problems = List.copyOf(problems);
  }

  public long errorCount() {
    return problems.stream().filter(Problem::isError).count();
  }

  public long warningCount() {
    return problems.size() - errorCount();
  }

  public boolean hasErrors() {
    return errorCount() > 0;
  }
}
