package io.trellis.cli;

import io.trellis.cli.up.MeshState;
import io.trellis.cli.up.PodLogs;
import io.trellis.control.admin.StateDirectory;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code trellis logs POD}: a local mesh pod's log, like {@code kubectl logs}. */
@Command(
    name = "logs",
    mixinStandardHelpOptions = true,
    description = {
      "Print the log of a pod run by `trellis up` (its app, or with --sidecar its sidecar). POD may be a unique prefix of the"
          + " pod name, e.g. reviews-v2."
    })
public final class LogsCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "POD", description = "Pod name or a unique prefix of it.")
  String pod;

  @Option(names = "--sidecar", description = "The sidecar's log instead of the app's.")
  boolean sidecar;

  @Option(names = {"-f", "--follow"}, description = "Keep printing what is appended until interrupted.")
  boolean follow;

  @Option(names = "--state-dir", paramLabel = "DIR", description = "The mesh's state directory. Default: $TRELLIS_STATE_DIR, else ~/.trellis.")
  Path stateDir;

  @Override
  public Integer call() throws IOException, InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path state = StateDirectory.resolve(stateDir, System.getenv()).path();
    java.util.Set<String> running = new java.util.HashSet<>();
    MeshState.read(state).ifPresent(m -> m.pods().forEach(p -> running.add(p.name())));
    PodLogs logs = new PodLogs(state.resolve("logs"), running);
    Path file;
    try {
      file = logs.find(pod, sidecar);
    } catch (IllegalArgumentException e) {
      err.println("trellis logs: " + e.getMessage());
      return 1;
    }
    logs.print(file, out, follow);
    return 0;
  }
}
