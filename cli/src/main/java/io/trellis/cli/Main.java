package io.trellis.cli;

import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code trellis} command. Each subcommand is one class in this package. */
@Command(
    name = "trellis",
    mixinStandardHelpOptions = true,
    versionProvider = VersionCommand.Provider.class,
    description = "A service mesh: Istio's configuration API, Envoy's xDS, one JVM codebase.",
    subcommands = {CommandLine.HelpCommand.class, VersionCommand.class})
public final class Main {

  /**
   * Subcommands owned by the modules that are still being built; each is added when its class is
   * on the classpath, so that a module's command lands with the module.
   */
  private static final List<String> MODULE_COMMANDS =
      List.of(
          "ValidateCommand",
          "AnalyzeCommand",
          "ControlPlaneCommand",
          "ApplyCommand",
          "DeleteCommand",
          "ProxyStatusCommand",
          "ProxyConfigCommand",
          "ProxyCommand",
          "UpCommand",
          "LogsCommand",
          "IptablesCommand",
          "BenchCommand");

  private Main() {}

  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    for (String simpleName : MODULE_COMMANDS) {
      Class<?> type;
      try {
        type = Class.forName(Main.class.getPackageName() + "." + simpleName);
      } catch (ClassNotFoundException notYetBuilt) {
        continue;
      }
      cl.addSubcommand(type);
    }
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    return cl;
  }

  public static void main(String[] args) {
    int exit = commandLine().execute(args);
    System.exit(exit);
  }
}
