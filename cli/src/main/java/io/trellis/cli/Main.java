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

  /**
   * The command line {@code args} run on: {@code trellis proxy …} gets a {@code trellis} that knows
   * only its proxy subcommand ({@link ProxyOnly}), everything else the full {@link #commandLine()}.
   * picocli builds the model of every registered subcommand up front, loading each command class,
   * its option types and what their static initializers touch; a long-running proxy would keep all
   * of that class metadata in memory (for every sidecar) without ever using it.
   */
  static CommandLine commandLineFor(String[] args) {
    if (args.length == 0 || !args[0].equals("proxy")) {
      return commandLine();
    }
    CommandLine cl = new CommandLine(new ProxyOnly());
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    return cl;
  }

  public static void main(String[] args) {
    int exit = commandLineFor(args).execute(args);
    System.exit(exit);
  }

  /** {@code trellis} as {@code trellis proxy} sees it: the same name, options and version, one subcommand. */
  @Command(
      name = "trellis",
      mixinStandardHelpOptions = true,
      versionProvider = VersionCommand.Provider.class,
      description = "A service mesh: Istio's configuration API, Envoy's xDS, one JVM codebase.",
      subcommands = ProxyCommand.class)
  static final class ProxyOnly {}
}
