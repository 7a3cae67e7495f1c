package io.trellis.bench.peer;

import io.trellis.proxy.bootstrap.BootstrapLoader;
import io.trellis.proxy.server.ProxyServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;

/**
 * A stand-in for the repository's {@code trellis} launcher in bench tests: the CLI module is built
 * after bench, so tests cannot run the real launcher, but they can run the same proxy server in its
 * own JVM from this module's test class path. It answers {@code proxy --help} and runs {@code proxy
 * --bootstrap FILE [--concurrency N]} until SIGTERM, which is all a target asks of the launcher.
 */
public final class ProxyOnlyLauncher {

  private ProxyOnlyLauncher() {}

  /** Writes an executable script in {@code dir} that runs this class with the test's JVM and class path. */
  static Path write(Path dir) throws IOException {
    Path script = dir.resolve("trellis-stand-in");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Files.writeString(
        script,
        "#!/bin/sh\nexec '" + java + "' -Xmx256m -cp '" + System.getProperty("java.class.path") + "' "
            + ProxyOnlyLauncher.class.getName() + " \"$@\"\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    return script;
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 1 || !args[0].equals("proxy")) {
      System.err.println("usage: proxy --bootstrap FILE [--concurrency N] | proxy --help");
      System.exit(2);
    }
    Path bootstrap = null;
    int concurrency = 1;
    for (int i = 1; i < args.length; i++) {
      switch (args[i]) {
        case "--help" -> {
          System.out.println("Usage: trellis proxy --bootstrap FILE [--concurrency N]");
          return;
        }
        case "--bootstrap" -> bootstrap = Path.of(args[++i]);
        case "--concurrency" -> concurrency = Integer.parseInt(args[++i]);
        default -> {
          System.err.println("unknown argument " + args[i]);
          System.exit(2);
        }
      }
    }
    if (bootstrap == null) {
      System.err.println("--bootstrap FILE is required");
      System.exit(2);
    }
    ProxyServer proxy =
        ProxyServer.start(
            BootstrapLoader.load(bootstrap),
            bootstrap.toString(),
            ProxyServer.Options.defaults()
                .withConcurrency(concurrency)
                .withConfigLog(line -> System.err.println(Instant.now() + " " + line)));
    Runtime.getRuntime().addShutdownHook(new Thread(proxy::close, "proxy-sigterm"));
    proxy.awaitStopped();
  }
}
