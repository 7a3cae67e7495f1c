package io.trellis.cli;

import io.trellis.api.load.ConfigLoader;
import io.trellis.api.validate.ConfigValidator;
import io.trellis.api.validate.Problem;
import io.trellis.api.validate.ValidationReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code trellis validate PATH…}: loads and validates resources with Istio's webhook semantics. */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = {
      "Validate Istio and Kubernetes resources as Istio's validating webhook would: every problem is"
          + " printed as FILE:LINE: KIND NAMESPACE/NAME: FIELD.PATH: message, then a summary.",
      "Exit status: 0 when no error is found (warnings allowed), 1 when an error is found,"
          + " 2 for usage errors such as a path that does not exist."
    })
public final class ValidateCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "PATH", description = "Files or directories (.yaml, .yml, .json), searched recursively.")
  List<Path> paths;

  @Option(names = "--namespace", defaultValue = ConfigLoader.DEFAULT_NAMESPACE,
      description = "Namespace for resources that name none (default: ${DEFAULT-VALUE}).")
  String namespace;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    for (Path p : paths) {
      if (!Files.exists(p)) {
        err.println("trellis validate: " + p + ": no such file or directory");
        err.flush();
        return 2;
      }
    }
    ValidationReport report;
    int files;
    try {
      files = ConfigLoader.files(paths).size();
      report = new ConfigValidator().validate(new ConfigLoader(namespace).load(paths));
    } catch (IOException e) {
      err.println("trellis validate: cannot read " + e.getMessage());
      err.flush();
      return 2;
    }
    for (Problem problem : report.problems()) {
      out.println(problem.format());
    }
    String scope = report.resourceCount() + " resource(s) in " + files + " file(s)";
    if (report.problems().isEmpty()) {
      out.println("No problems found in " + scope + ".");
    } else {
      out.println(report.errorCount() + " error(s), " + report.warningCount() + " warning(s) in " + scope + ".");
    }
    out.flush();
    return report.hasErrors() ? 1 : 0;
  }
}
