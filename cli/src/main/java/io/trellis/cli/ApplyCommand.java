package io.trellis.cli;

import io.trellis.api.load.ConfigLoader;
import io.trellis.control.admin.AdminClient;
import io.trellis.control.admin.StateDirectory;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code trellis apply -f FILE}: add or replace resources in the running control plane. */
@Command(
    name = "apply",
    mixinStandardHelpOptions = true,
    description = {
      "Apply Istio resources to the running control plane (or `trellis up` mesh). Each file is"
          + " validated first and applied whole or not at all; applied resources override the config directory's."
    })
public final class ApplyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ChangeOptions options;

  @Override
  public Integer call() {
    return ChangeRunner.run(spec, "apply", options, (client, name, content) -> client.apply(name, content), "applied");
  }

  /** The flags apply and delete share: what to send, and which control plane to send it to. */
  static final class ChangeOptions {
    @Option(names = {"-f", "--filename"}, paramLabel = "FILE", required = true,
        description = "A YAML/JSON file, a directory of them, or - for standard input. Repeatable.")
    List<String> files;

    @Option(names = "--state-dir", paramLabel = "DIR",
        description = "The control plane's state directory. Default: $TRELLIS_STATE_DIR, else ~/.trellis.")
    Path stateDir;
  }

  /**
   * The inputs {@code -f} names: a file, a directory (its YAML and JSON, recursively, in sorted
   * order) or {@code -} for standard input.
   */
  static final class Inputs {
    record Input(String name, String content) {}

    private Inputs() {}

    static List<Input> read(List<String> args, InputStream stdin) throws IOException {
      List<Input> out = new ArrayList<>();
      for (String arg : args) {
        if (arg.equals("-")) {
          out.add(new Input("<stdin>", new String(stdin.readAllBytes(), StandardCharsets.UTF_8)));
          continue;
        }
        for (Path file : ConfigLoader.files(List.of(Path.of(arg)))) {
          out.add(new Input(file.toString(), Files.readString(file, StandardCharsets.UTF_8)));
        }
      }
      return out;
    }
  }

  /** Shared by apply and delete: read inputs, call the control plane, report per file. */
  static final class ChangeRunner {
    interface Call {
      AdminClient.ChangeResult run(AdminClient client, String name, String content) throws IOException;
    }

    private ChangeRunner() {}

    static int run(CommandSpec spec, String verb, ChangeOptions options, Call call, String done) {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      try {
        AdminClient client = AdminClient.connect(StateDirectory.resolve(options.stateDir, System.getenv()));
        int exit = 0;
        for (Inputs.Input input : Inputs.read(options.files, System.in)) {
          AdminClient.ChangeResult r = call.run(client, input.name(), input.content());
          if (r.ok()) {
            r.keys().forEach(k -> out.println(k + " " + done));
            r.problems().forEach(err::println); // warnings
          } else {
            exit = 1;
            err.println("trellis " + verb + ": " + input.name() + " rejected; nothing in it was " + done + ":");
            r.problems().forEach(p -> err.println("  " + p));
          }
        }
        return exit;
      } catch (IOException e) {
        err.println("trellis " + verb + ": " + e.getMessage());
        return 1;
      } finally {
        out.flush();
        err.flush();
      }
    }
  }
}
