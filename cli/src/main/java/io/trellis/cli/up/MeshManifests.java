package io.trellis.cli.up;

import io.trellis.api.model.Resource;
import io.trellis.api.model.kube.Container;
import io.trellis.api.model.kube.Deployment;
import io.trellis.api.validate.Problem;
import io.trellis.control.config.ValidatingLoader;
import io.trellis.control.local.TopLevelFilesSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and checks the manifests of a {@code trellis up} directory before anything starts: the
 * top-level YAML/JSON files (as {@code kubectl apply -f DIR} reads them), each loaded and validated
 * as the control plane will, plus what running a Deployment locally needs — a container with a
 * {@code command}, since images are not run here.
 *
 * @param resources every resource of the files without errors
 * @param problems every error and warning, sorted by file and line
 */
record MeshManifests(List<Resource<?>> resources, List<Problem> problems) {

  static MeshManifests read(Path dir, ValidatingLoader loader) throws IOException {
    List<Resource<?>> resources = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();
    for (Path file : TopLevelFilesSource.files(dir)) {
      ValidatingLoader.Outcome o = loader.load(dir.relativize(file).toString(), Files.readString(file, StandardCharsets.UTF_8));
      problems.addAll(o.problems());
      if (o.accepted()) {
        resources.addAll(o.resources());
      }
      for (Resource<?> r : o.resources()) {
        if (r.spec() instanceof Deployment d) {
          checkRunnable(r, d, problems);
        }
      }
    }
    problems.sort(Problem.BY_LOCATION);
    return new MeshManifests(resources, problems);
  }

  boolean hasErrors() {
    return problems.stream().anyMatch(Problem::isError);
  }

  private static void checkRunnable(Resource<?> r, Deployment d, List<Problem> problems) {
    if (d.template() == null || d.template().spec() == null || d.template().spec().containers().isEmpty()) {
      problems.add(Problem.error(r.location("spec.template.spec.containers"), r.key(), "spec.template.spec.containers",
          "no container", "a container whose command trellis up runs as a local process"));
      return;
    }
    Container c = d.template().spec().containers().getFirst();
    if (c.command().isEmpty() && c.args().isEmpty()) {
      problems.add(Problem.error(r.location("spec.template.spec.containers[0].command"), r.key(), "spec.template.spec.containers[0].command",
          "empty", "the command to run locally (trellis up does not run images)"));
    }
    if (d.replicas() != null && d.replicas() < 0) {
      problems.add(Problem.error(r.location("spec.replicas"), r.key(), "spec.replicas", String.valueOf(d.replicas()), "0 or more"));
    }
    if (d.template().spec().containers().size() > 1) {
      problems.add(Problem.warning(r.location("spec.template.spec.containers[1]"), r.key(), "spec.template.spec.containers",
          "only the first container runs locally", null));
    }
  }
}
