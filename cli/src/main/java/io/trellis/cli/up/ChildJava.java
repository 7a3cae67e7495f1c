package io.trellis.cli.up;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How to start another {@code trellis} JVM (a sidecar, the gateway): the same {@code java} and
 * class path as the running one, so {@code trellis up} works alike from the launcher script and
 * from a test's class path.
 */
final class ChildJava {
  /** Small heaps and a quick-starting compiler: a mesh on one machine runs many proxies. */
  static final List<String> PROXY_JVM_FLAGS =
      List.of(
          "-Xmx96m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1", "-Xss512k", "-XX:-UsePerfData",
          // The proxy reads SO_ORIGINAL_DST through the FFM API; Netty and gRPC use Unsafe.
          "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow");

  static final String MAIN_CLASS = "io.trellis.cli.Main";

  private ChildJava() {}

  /** The running JVM's launcher. */
  static String javaExecutable() {
    return ProcessHandle.current()
        .info()
        .command()
        .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  /** The JDK's {@code bin} directory, put first on pods' PATH so their {@code java} is this one. */
  static Path javaBin() {
    return Path.of(System.getProperty("java.home"), "bin");
  }

  /** {@code java FLAGS EXTRA -cp CLASSPATH io.trellis.cli.Main ARGS…}. */
  static List<String> trellis(String classPath, List<String> extraFlags, List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(javaExecutable());
    cmd.addAll(PROXY_JVM_FLAGS);
    cmd.addAll(extraFlags);
    cmd.add("-cp");
    cmd.add(classPath);
    cmd.add(MAIN_CLASS);
    cmd.addAll(args);
    return cmd;
  }

  /**
   * Resolves a bare program name against {@code path} (the child's PATH, not ours: the JDK's
   * process launcher would search its own).
   */
  static String resolve(String program, String path) {
    if (program.contains("/")) {
      return program;
    }
    for (String dir : path.split(":")) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, program);
      if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
        return candidate.toString();
      }
    }
    return program;
  }
}
