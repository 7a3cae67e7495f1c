package io.trellis.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code trellis} command. Each subcommand is one class in this package. */
@Command(
    name = "trellis",
    mixinStandardHelpOptions = true,
    versionProvider = VersionCommand.Provider.class,
    description = "A service mesh: Istio's configuration API, Envoy's xDS, one JVM codebase.",
    subcommands = {
      CommandLine.HelpCommand.class,
      UpCommand.class,
      ValidateCommand.class,
      AnalyzeCommand.class,
      ControlPlaneCommand.class,
      ProxyCommand.class,
      ApplyCommand.class,
      DeleteCommand.class,
      ProxyStatusCommand.class,
      ProxyConfigCommand.class,
      LogsCommand.class,
      IptablesCommand.class,
      BenchCommand.class,
      VersionCommand.class
    })
public final class Main {

  private Main() {}

  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    return cl;
  }

  public static void main(String[] args) {
    int exit = commandLine().execute(args);
    System.exit(exit);
  }
}
