package io.trellis.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code trellis delete -f FILE}: remove resources applied with {@code trellis apply}. */
@Command(
    name = "delete",
    mixinStandardHelpOptions = true,
    description = {
      "Delete resources that were applied to the running control plane with `trellis apply`. The"
          + " resources are named by the file's kinds, namespaces and names; a file's deletes happen whole or not at all."
    })
public final class DeleteCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = {"-f", "--filename"}, paramLabel = "FILE", required = true,
      description = "A YAML/JSON file, a directory of them, or - for standard input. Repeatable.")
  List<String> files;

  @Option(names = "--state-dir", paramLabel = "DIR",
      description = "The control plane's state directory. Default: $TRELLIS_STATE_DIR, else ~/.trellis.")
  Path stateDir;

  @Override
  public Integer call() {
    return ApplyCommand.ChangeRunner.run(spec, "delete", files, stateDir, (client, name, content) -> client.delete(name, content), "deleted");
  }
}
