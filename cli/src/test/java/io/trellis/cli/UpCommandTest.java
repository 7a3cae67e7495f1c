package io.trellis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code trellis up} refuses bad input before it starts anything. (Running meshes: {@code io.trellis.cli.up}.) */
class UpCommandTest {
  @TempDir Path dir;
  @TempDir Path state;

  private String[] run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new String[] {String.valueOf(code), out.toString(), err.toString()};
  }

  @Test
  void invalidManifestsAreReportedWithFileAndLineAndNothingStarts() throws Exception {
    Files.writeString(dir.resolve("app.yaml"), """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          replicas: 1
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:
              - name: web
                image: nginx
        """);
    Files.writeString(dir.resolve("routes.yaml"), """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata:
          name: web
        spec:
          hosts: [web]
          http:
          - route:
            - destination: {host: web}
              weight: -5
        """);
    String[] r = run("up", dir.toString(), "--state-dir", state.toString(), "--xds-port", "0", "--ingress-port", "18999");
    assertThat(r[0]).isEqualTo("1");
    assertThat(r[2]).contains("app.yaml:12: Deployment default/web: spec.template.spec.containers[0].command: empty (expected: the command to run locally");
    assertThat(r[2]).contains("routes.yaml:10: VirtualService default/web: spec.http[0].route[0].weight");
    assertThat(r[2]).contains("nothing started");
    assertThat(state.resolve("control-plane.json")).doesNotExist();
    assertThat(state.resolve("up.json")).doesNotExist();
  }

  @Test
  void badFlagsAreRefused() {
    assertThat(run("up", dir.toString(), "--isolation", "vm")[2]).contains("--isolation vm (expected: loopback or netns)");
    assertThat(run("up", dir.toString(), "--ingress-port", "0")[0]).isEqualTo("2");
    assertThat(run("up", dir.resolve("missing").toString(), "--state-dir", state.toString())[2]).contains("not a directory");
  }
}
