package io.trellis.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/** {@code trellis version}: the build's version and the JVM it runs on. */
@Command(name = "version", mixinStandardHelpOptions = true, description = "Print the Trellis version and the Java runtime.")
public final class VersionCommand implements Callable<Integer> {

  static String version() {
    try (InputStream in = VersionCommand.class.getResourceAsStream("/trellis-version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String[] lines() {
    return new String[] {
      "trellis " + version(),
      "java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")",
      "os " + System.getProperty("os.name") + " " + System.getProperty("os.arch")
    };
  }

  @Override
  public Integer call() {
    for (String line : lines()) {
      System.out.println(line);
    }
    return 0;
  }

  /** Makes {@code trellis --version} say the same as {@code trellis version}. */
  public static final class Provider implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return lines();
    }
  }
}
