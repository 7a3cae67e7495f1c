package io.trellis.cli;

import io.trellis.api.analyze.Analysis;
import io.trellis.api.analyze.Diagnostic;
import io.trellis.api.analyze.Level;
import io.trellis.api.load.ConfigLoader;
import io.trellis.api.load.LoadResult;
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

/** {@code trellis analyze PATH…}: validation, then checks across resources, as {@code istioctl analyze}. */
@Command(
    name = "analyze",
    mixinStandardHelpOptions = true,
    description = {
      "Validate Istio and Kubernetes resources, then look for problems across them: references to hosts,"
          + " subsets and gateways that do not exist, conflicting VirtualServices and Gateways, selectors"
          + " that select nothing, mTLS conflicts, unreachable rules, and more (Istio's IST codes).",
      "Exit status: 0 when nothing at level Error is found, 1 when something is, 2 for bad arguments."
    })
public final class AnalyzeCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "PATH", description = "Files or directories (.yaml, .yml, .json), searched recursively.")
  List<Path> paths;

  @Option(names = "--namespace", defaultValue = ConfigLoader.DEFAULT_NAMESPACE,
      description = "Namespace for resources that name none (default: ${DEFAULT-VALUE}).")
  String namespace;

  @Option(names = "--local-mesh", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Count the ingress gateway that 'trellis up' runs (istio=ingressgateway in istio-system)"
          + " as a workload (default: ${DEFAULT-VALUE}).")
  boolean localMesh;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    for (Path p : paths) {
      if (!Files.exists(p)) {
        err.println("trellis analyze: " + p + ": no such file or directory");
        return 2;
      }
    }
    LoadResult loaded = new ConfigLoader(namespace).load(paths);
    ValidationReport report = new ConfigValidator().validate(loaded);
    for (Problem problem : report.problems()) {
      out.println(problem.format());
    }
    Analysis analysis = localMesh ? Analysis.forLocalMesh() : new Analysis(Analysis.ALL, List.of());
    List<Diagnostic> diagnostics = analysis.run(report.accepted());
    for (Diagnostic d : diagnostics) {
      out.println(d.format());
    }
    long analysisErrors = diagnostics.stream().filter(d -> d.level() == Level.ERROR).count();
    long errors = report.errorCount() + analysisErrors;
    long others = report.warningCount() + diagnostics.size() - analysisErrors;
    if (errors == 0 && others == 0) {
      out.println("No validation issues found in " + report.resourceCount() + " resources.");
    } else {
      out.println(errors + " error(s), " + others + " warning(s) or info(s) in " + report.resourceCount()
          + " resources (" + Analysis.ALL.size()
          + " analyzers).");
    }
    out.flush();
    return errors == 0 ? 0 : 1;
  }
}
