package io.trellis.cli.up;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The proxy JVM profile ({@code proxy-jvm.options}): the repository's {@code trellis} launcher gives
 * it to {@code trellis proxy} and to no other command, {@code TRELLIS_JAVA_OPTS} overrides it,
 * {@code TRELLIS_PROXY_PROFILE=off} drops it, {@code trellis up}'s sidecars get the same options, and
 * a real JVM started with them runs with the heap, stack and flags the file promises.
 */
class ProxyJvmProfileTest {
  private static final Path ROOT = repositoryRoot();
  private static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");

  @Test
  void theLauncherGivesTheProfileToTheProxyCommandOnly() throws Exception {
    List<String> profile = ChildJava.profile();
    assertThat(profile).contains("-Xmx96m", "-XX:+UseSerialGC", "-Xss512k", "-XX:-UsePerfData");

    List<String> proxy = launcherCommand(Map.of(), "proxy", "--bootstrap", "envoy.yaml");
    assertThat(jvmOptions(proxy)).containsSubsequence(profile);
    assertThat(proxy.subList(proxy.indexOf("io.trellis.cli.Main"), proxy.size()))
        .containsExactly("io.trellis.cli.Main", "proxy", "--bootstrap", "envoy.yaml");

    assertThat(jvmOptions(launcherCommand(Map.of(), "validate", "x.yaml")))
        .as("other commands keep the JVM's defaults")
        .doesNotContain("-Xmx96m", "-Xss512k", "-XX:-UsePerfData");
    assertThat(jvmOptions(launcherCommand(Map.of("TRELLIS_PROXY_PROFILE", "off"), "proxy", "--bootstrap", "envoy.yaml")))
        .doesNotContain("-Xmx96m", "-Xss512k");
    List<String> noAot = launcherCommand(Map.of("TRELLIS_PROXY_AOT", "off"), "proxy", "--bootstrap", "envoy.yaml");
    assertThat(jvmOptions(noAot)).containsSubsequence(profile).noneMatch(o -> o.startsWith("-XX:AOTCache"));
    assertThat(noAot.get(noAot.indexOf("-cp") + 1)).startsWith(ROOT.resolve("cli/target/classes").toString());
  }

  @Test
  void aRealJvmRunsWithTheProfileAndTrellisJavaOptsOverridesIt() throws Exception {
    Map<String, String> flags = finalFlags(jvmOptions(launcherCommand(Map.of(), "proxy", "--bootstrap", "envoy.yaml")));
    assertThat(flags.get("MaxHeapSize")).isEqualTo(Long.toString(96L << 20));
    assertThat(flags.get("InitialHeapSize")).isEqualTo(Long.toString(16L << 20));
    assertThat(flags.get("UseSerialGC")).isEqualTo("true");
    assertThat(flags.get("UseCompactObjectHeaders")).isEqualTo("true");
    assertThat(flags.get("UsePerfData")).isEqualTo("false");
    assertThat(flags.get("ThreadStackSize")).isEqualTo("512");
    assertThat(flags.get("TrimNativeHeapInterval")).isEqualTo("2000");

    List<String> overridden =
        jvmOptions(launcherCommand(Map.of("TRELLIS_JAVA_OPTS", "-Xmx256m -XX:+UsePerfData"), "proxy", "--bootstrap", "envoy.yaml"));
    Map<String, String> after = finalFlags(overridden);
    assertThat(after.get("MaxHeapSize")).as("the user's -Xmx wins over the profile's").isEqualTo(Long.toString(256L << 20));
    assertThat(after.get("UsePerfData")).isEqualTo("true");
    assertThat(after.get("ThreadStackSize")).as("what the user did not override stays").isEqualTo("512");
  }

  @Test
  void upSidecarsGetTheSameProfilePlusC1Only() throws Exception {
    List<String> cmd = ChildJava.trellis("cp.jar", List.of("-XX:AOTCache=x.aot"), List.of("proxy", "--bootstrap", "b.yaml"));
    assertThat(cmd).containsSubsequence(ChildJava.profile());
    assertThat(cmd).contains("-XX:TieredStopAtLevel=1", "--enable-native-access=ALL-UNNAMED");
    assertThat(cmd.subList(cmd.indexOf("-cp"), cmd.size()))
        .containsExactly("-cp", "cp.jar", ChildJava.MAIN_CLASS, "proxy", "--bootstrap", "b.yaml");
    List<String> options = new ArrayList<>(cmd.subList(1, cmd.indexOf("-cp")));
    options.remove("-XX:AOTCache=x.aot");
    Map<String, String> flags = finalFlags(options);
    assertThat(flags.get("MaxHeapSize")).isEqualTo(Long.toString(96L << 20));
    assertThat(flags.get("TieredStopAtLevel")).isEqualTo("1");
  }

  /** The java command the launcher would run, one argument per element, without building anything. */
  private static List<String> launcherCommand(Map<String, String> env, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(ROOT.resolve("trellis").toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectErrorStream(true);
    pb.environment().remove("TRELLIS_JAVA_OPTS");
    pb.environment().remove("TRELLIS_PROXY_PROFILE");
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().put("TRELLIS_PRINT_JAVA_COMMAND", "1");
    pb.environment().putAll(env);
    String out = run(pb);
    List<String> lines = List.of(out.split("\n"));
    assertThat(lines).as(out).contains("io.trellis.cli.Main");
    return lines;
  }

  /** The options between {@code java} and {@code -cp}. */
  private static List<String> jvmOptions(List<String> command) {
    assertThat(command.getFirst()).endsWith("/bin/java");
    return command.subList(1, command.indexOf("-cp"));
  }

  /** Starts a JVM with {@code options} and reads back the flag values it runs with. */
  private static Map<String, String> finalFlags(List<String> options) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(JAVA.toString());
    cmd.addAll(options);
    cmd.addAll(List.of("-XX:+PrintFlagsFinal", "-version"));
    String out = run(new ProcessBuilder(cmd).redirectErrorStream(true));
    Map<String, String> flags = new java.util.HashMap<>();
    Matcher m = Pattern.compile("^\\s*\\S+\\s+(\\w+)\\s+=\\s+(\\S+)", Pattern.MULTILINE).matcher(out);
    while (m.find()) {
      flags.put(m.group(1), m.group(2));
    }
    assertThat(flags).as(out).containsKey("MaxHeapSize");
    return flags;
  }

  private static String run(ProcessBuilder pb) throws IOException, InterruptedException {
    Process p = pb.start();
    try {
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      String text = new String(out, StandardCharsets.UTF_8);
      assertThat(p.exitValue()).as(String.join(" ", pb.command()) + "\n" + text).isZero();
      return text;
    } finally {
      p.destroyForcibly();
    }
  }

  private static Path repositoryRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isExecutable(dir.resolve("trellis")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
        return dir;
      }
    }
    throw new IllegalStateException("no trellis launcher above " + Path.of("").toAbsolutePath());
  }
}
