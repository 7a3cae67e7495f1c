package io.trellis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code trellis validate}: exit codes, the exact problem lines on stdout, and the summary. */
class ValidateCommandTest {

  @TempDir Path dir;

  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  private static final String REVIEWS =
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata:
        name: reviews
      spec:
        hosts: [reviews]
        http:
        - route:
          - destination: {host: reviews, subset: v1}
            weight: 80
          - destination: {host: reviews, subset: v2}
            weight: 20
      """;

  @Test
  void validConfigurationExitsZeroWithASummary() throws Exception {
    Files.writeString(dir.resolve("reviews.yaml"), REVIEWS);
    Files.createDirectories(dir.resolve("more"));
    Files.writeString(dir.resolve("more/ns.json"), "{\"apiVersion\": \"v1\", \"kind\": \"Namespace\", \"metadata\": {\"name\": \"shop\"}}");
    Run r = run("validate", dir.toString());
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).isEqualTo("No problems found in 2 resource(s) in 2 file(s).\n");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void everyErrorIsPrintedWithFileLineResourceAndPathAndTheExitCodeIsOne() throws Exception {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(
        file,
        REVIEWS.replace("weight: 20", "weight: -5").replace("subset: v1", "subset: Version_1")
            + """
            ---
            apiVersion: security.istio.io/v1
            kind: PeerAuthentication
            metadata:
              name: strict
              namespace: shop
            spec:
              mtls: {mode: STRICTEST}
            """);
    Run r = run("validate", file.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out())
        .isEqualTo(
            file + ":9: VirtualService default/reviews: spec.http[0].route[0].destination.subset:"
                + " subset name is invalid: Version_1 (expected: a DNS-1123 label)\n"
                + file + ":12: VirtualService default/reviews: spec.http[0].route[1].weight: weight -5 < 0 (expected: >= 0)\n"
                + file + ":20: PeerAuthentication shop/strict: spec.mtls.mode: unsupported value \"STRICTEST\""
                + " (expected: one of UNSET, DISABLE, PERMISSIVE, STRICT)\n"
                + "3 error(s), 0 warning(s) in 2 resource(s) in 1 file(s).\n");
  }

  @Test
  void warningsAloneExitZero() throws Exception {
    Path file = dir.resolve("warn.yaml");
    Files.writeString(
        file,
        """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: settings
        """);
    Run r = run("validate", "--namespace", "shop", file.toString());
    assertThat(r.code()).isZero();
    assertThat(r.out())
        .isEqualTo(
            file + ":2: ConfigMap shop/settings: warning: v1 ConfigMap is not read by the mesh; skipped\n"
                + "0 error(s), 1 warning(s) in 0 resource(s) in 1 file(s).\n");
  }

  @Test
  void aSyntaxErrorIsAnError() throws Exception {
    Path file = dir.resolve("broken.yaml");
    Files.writeString(file, "apiVersion: v1\nkind: [Service\n");
    Run r = run("validate", file.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).startsWith(file + ":2: invalid YAML: while parsing a flow sequence");
  }

  @Test
  void aMissingPathIsAUsageErrorWithExitTwo() {
    Path missing = dir.resolve("nope.yaml");
    Run r = run("validate", missing.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).isEqualTo("trellis validate: " + missing + ": no such file or directory\n");
  }

  @Test
  void noPathIsAUsageErrorWithExitTwo() {
    Run r = run("validate");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("Missing required parameter: 'PATH'");
  }

  @Test
  void theRepositoryBookinfoSampleValidates() {
    Path root = Path.of("").toAbsolutePath();
    while (root != null && !Files.exists(root.resolve("trellis"))) {
      root = root.getParent();
    }
    assertThat(root).as("repository root").isNotNull();
    Run r = run("validate", root.resolve("samples/bookinfo").toString());
    assertThat(r.code()).as(r.out()).isZero();
    assertThat(r.out()).doesNotContain(": error").endsWith(".\n");
  }
}
