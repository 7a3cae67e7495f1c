package io.trellis.cli.up;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trellis.cli.FreePorts;
import io.trellis.cli.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;

/**
 * {@code trellis up} as a real child JVM over a copy of the repository's Bookinfo directory (the
 * copy so that a test may edit the manifests; {@code target/} is linked, not copied). Knows the
 * PIDs of everything the mesh started (from {@code up.json}) so that {@link #close()} can make
 * sure, by PID, that nothing outlives the test even if the mesh itself failed to stop it.
 */
final class LocalMeshProcess implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();

  final Path dir;
  final Path state;
  final Path log;
  final int ingressPort;
  final Process process;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final List<Long> seenPids = new ArrayList<>();

  private LocalMeshProcess(Path dir, Path state, Path log, int ingressPort, Process process) {
    this.dir = dir;
    this.state = state;
    this.log = log;
    this.ingressPort = ingressPort;
    this.process = process;
  }

  /** The repository's {@code samples/bookinfo}, with its jar built. */
  static Path bookinfo() {
    Path root = Path.of("").toAbsolutePath();
    while (root != null && !Files.exists(root.resolve("trellis"))) {
      root = root.getParent();
    }
    assertThat(root).as("repository root (a directory holding ./trellis)").isNotNull();
    Path bookinfo = root.resolve("samples/bookinfo");
    assertThat(bookinfo.resolve("target/trellis-bookinfo.jar"))
        .as("Bookinfo's jar (build it: tools/dev-mvn samples/bookinfo package)")
        .exists();
    return bookinfo;
  }

  static LocalMeshProcess start(Path work, String isolation) throws IOException {
    Path source = bookinfo();
    Path dir = Files.createDirectories(work.resolve("bookinfo"));
    for (String f : List.of("namespace.yaml", "bookinfo.yaml", "bookinfo-gateway.yaml")) {
      Files.copy(source.resolve(f), dir.resolve(f));
    }
    Files.createSymbolicLink(dir.resolve("target"), source.resolve("target"));
    Files.createSymbolicLink(dir.resolve("networking"), source.resolve("networking"));
    Path state = Files.createDirectories(work.resolve("state"));
    Path log = work.resolve("up.log");
    int port = FreePorts.pick();
    String java = ProcessHandle.current().info().command().orElse("java");
    Process p =
        new ProcessBuilder(
                java, "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), "io.trellis.cli.Main",
                "up", dir.toString(), "--isolation", isolation, "--ingress-port", String.valueOf(port),
                "--xds-port", "0", "--state-dir", state.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    return new LocalMeshProcess(dir, state, log, port, p);
  }

  String url(String path) {
    return "http://127.0.0.1:" + ingressPort + path;
  }

  HttpResponse<String> get(String path, String cookie) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(30));
    if (cookie != null) {
      b.header("Cookie", cookie);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Signs in as {@code user} through the gateway; returns the session cookie. */
  String login(String user) throws IOException, InterruptedException {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url("/login")))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=" + user + "&passwd=password"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    String cookie = r.headers().firstValue("set-cookie").orElseThrow(() -> new AssertionError("no session cookie from /login: " + r.statusCode()));
    return cookie.split(";", 2)[0];
  }

  /** The {@code Reviews served by:} pod of a product page, or "" when the page has none. */
  static String reviewsPod(String page) {
    int i = page.indexOf("Reviews served by:");
    if (i < 0) {
      return "";
    }
    String rest = page.substring(i + "Reviews served by:".length()).replaceAll("<[^>]*>", " ").strip();
    return rest.split("\\s+", 2)[0];
  }

  /** reviews-v2-1a2b3c4d-0 → v2. */
  static String version(String pod) {
    int i = pod.indexOf("-v");
    return i < 0 ? "" : pod.substring(i + 1, pod.indexOf('-', i + 1));
  }

  /** Runs {@code trellis ARGS…} in this JVM against this mesh's state directory. */
  String[] trellis(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--state-dir");
    all.add(state.toString());
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(all.toArray(String[]::new));
    return new String[] {String.valueOf(code), out.toString(), err.toString()};
  }

  void apply(String networkingFile) {
    String[] r = trellis("apply", "-f", bookinfo().resolve("networking").resolve(networkingFile).toString());
    assertThat(r[0]).as("trellis apply -f %s: %s %s", networkingFile, r[1], r[2]).isEqualTo("0");
  }

  /** {@code up.json}, or null before it is written. */
  JsonNode upState() throws IOException {
    Path f = state.resolve("up.json");
    if (!Files.exists(f)) {
      return null;
    }
    try {
      JsonNode n = JSON.readTree(f.toFile());
      remember(n);
      return n;
    } catch (IOException e) {
      return null; // being replaced right now
    }
  }

  private synchronized void remember(JsonNode n) {
    add(n.path("gatewayPid").asLong(-1));
    for (JsonNode p : n.path("pods")) {
      add(p.path("appPid").asLong(-1));
      add(p.path("sidecarPid").asLong(-1));
    }
  }

  private void add(long pid) {
    if (pid > 0 && !seenPids.contains(pid)) {
      seenPids.add(pid);
    }
  }

  synchronized List<Long> seenPids() {
    return List.copyOf(seenPids);
  }

  String output() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no output: " + e + ")";
    }
  }

  /** SIGTERM to {@code trellis up}; returns whether it exited within {@code timeout}. */
  boolean terminate(Duration timeout) throws InterruptedException {
    process.destroy();
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** SIGINT to {@code trellis up} (what a terminal's Ctrl-C sends); returns whether it exited within {@code timeout}. */
  boolean interrupt(Duration timeout) throws IOException, InterruptedException {
    new ProcessBuilder("kill", "-INT", String.valueOf(process.pid())).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Stops the mesh by its PID and then, by PID, anything it started that is still alive. */
  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(90, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    }
    for (long pid : seenPids()) {
      ProcessHandle.of(pid).ifPresent(h -> {
        // Only what is still the mesh's: a PID could have been reused since.
        if (h.isAlive() && h.info().commandLine().map(c -> c.contains("java")).orElse(false)) {
          h.destroyForcibly();
        }
      });
    }
  }
}
