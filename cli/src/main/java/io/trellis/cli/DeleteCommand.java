package io.trellis.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
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

  @Mixin ApplyCommand.ChangeOptions options;

  @Override
  public Integer call() {
    return ApplyCommand.ChangeRunner.run(spec, "delete", options, (client, name, content) -> client.delete(name, content), "deleted");
  }
}
