package io.trellis.cli.up;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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
  /**
   * The proxy JVM profile ({@code proxy-jvm.options} next to this class, the file the {@code trellis}
   * launcher gives {@code trellis proxy}), then what a local mesh adds: C1 only, because a dozen proxy
   * JVMs share the machine's cores and C2's compile time and arenas cost them more than its peak
   * throughput gives a mesh on one machine.
   */
  static final List<String> PROXY_JVM_FLAGS = proxyJvmFlags();

  static final String PROFILE_RESOURCE = "proxy-jvm.options";

  static final String MAIN_CLASS = "io.trellis.cli.Main";

  private ChildJava() {}

  private static List<String> proxyJvmFlags() {
    List<String> flags = new ArrayList<>(profile());
    flags.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1"));
    // The proxy reads SO_ORIGINAL_DST through the FFM API; Netty and gRPC use Unsafe.
    flags.addAll(List.of("--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"));
    return List.copyOf(flags);
  }

  /** The options in {@code proxy-jvm.options}: one per line, {@code #} starts a comment. */
  static List<String> profile() {
    try (InputStream in = ChildJava.class.getResourceAsStream(PROFILE_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the class path has no " + PROFILE_RESOURCE + " next to " + ChildJava.class.getName());
      }
      List<String> options = new ArrayList<>();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        int hash = line.indexOf('#');
        String option = (hash < 0 ? line : line.substring(0, hash)).strip();
        if (!option.isEmpty()) {
          options.add(option);
        }
      }
      return List.copyOf(options);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + PROFILE_RESOURCE, e);
    }
  }

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
