package io.trellis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class AnalyzeCommandTest {

  @TempDir Path dir;

  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    CommandLine cl = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  private Path write(String name, String yaml) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, yaml);
    return file;
  }

  @Test
  void aRouteToAMissingHostIsAnErrorWithItsFileAndLine() throws IOException {
    write("svc.yaml", """
        apiVersion: v1
        kind: Service
        metadata: {name: reviews}
        spec: {selector: {app: reviews}, ports: [{name: http, port: 9080}]}
        """);
    Path vs = write("vs.yaml", """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews}
        spec:
          hosts: [reviews]
          http:
          - route:
            - destination: {host: reveiws}
        """);
    Run run = run("analyze", dir.toString());
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.out())
        .contains(vs + ":8: Error [IST0101] VirtualService default/reviews: spec.http[0].route[0].destination.host:"
            + " Referenced host not found: \"reveiws\"")
        .contains("1 error(s)");
  }

  @Test
  void validationErrorsAreReportedAndFailTheRun() throws IOException {
    Path vs = write("vs.yaml", """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews}
        spec:
          hosts: [reviews]
          http:
          - route:
            - destination: {host: reviews}
              weight: -5
        """);
    Run run = run("analyze", vs.toString());
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.out()).contains(vs + ":9: VirtualService default/reviews: spec.http[0].route[0].weight");
  }

  @Test
  void aConsistentMeshIsClean() throws IOException {
    write("mesh.yaml", """
        apiVersion: v1
        kind: Service
        metadata: {name: productpage}
        spec: {selector: {app: productpage}, ports: [{name: http, port: 9080}]}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: productpage-v1}
        spec:
          selector: {matchLabels: {app: productpage}}
          template:
            metadata: {labels: {app: productpage, version: v1}}
            spec: {containers: [{name: productpage, image: productpage}]}
        ---
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata: {name: bookinfo-gateway}
        spec:
          selector: {istio: ingressgateway}
          servers: [{port: {number: 8080, name: http, protocol: HTTP}, hosts: ["*"]}]
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: bookinfo}
        spec:
          hosts: ["*"]
          gateways: [bookinfo-gateway]
          http:
          - match: [{uri: {exact: /productpage}}]
            route: [{destination: {host: productpage, port: {number: 9080}}}]
        """);
    Run run = run("analyze", dir.toString());
    assertThat(run.out()).contains("No validation issues found in 4 resources.");
    assertThat(run.exit()).isZero();
    assertThat(run("analyze", "--no-local-mesh", dir.toString()).out())
        .contains("Error [IST0101] Gateway default/bookinfo-gateway: spec.selector:"
            + " Referenced selector not found: \"istio=ingressgateway\"");
  }

  @Test
  void aMissingPathIsAUsageError() {
    Run run = run("analyze", dir.resolve("nope.yaml").toString());
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("nope.yaml: no such file or directory");
  }
}
