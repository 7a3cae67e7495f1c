package io.trellis.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.cli.FreePorts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Istio's secure-ingress task on the standard path: {@code trellis control-plane} and a gateway
 * started as {@code trellis proxy --xds … --role gateway}, with a Gateway whose servers terminate
 * TLS with certificates from files — SIMPLE (server certificate only) and MUTUAL (clients must
 * present a certificate from the given CA). The certificates are made by the real openssl; the
 * client is the real curl, which checks the gateway's certificate against the CA and the host name,
 * and negotiates HTTP/2 by ALPN.
 */
class GatewayTlsE2ETest {
  private static final String HOST = "secure.e2e.internal";

  @TempDir Path dir;
  private E2eMesh mesh;
  private Path pki;
  private int simplePort;
  private int mutualPort;

  @BeforeEach
  void start() throws Exception {
    pki = Files.createDirectories(dir.resolve("pki"));
    authority("ca");
    leaf("server", HOST, "ca");
    leaf("client", "client.e2e.internal", "ca");
    authority("other-ca");
    leaf("stranger", "client.e2e.internal", "other-ca");

    mesh = new E2eMesh(dir);
    simplePort = FreePorts.pick();
    mutualPort = FreePorts.pick();
    mesh.writeConfig("secure-gateway.yaml", secureGateway());
    mesh.startStandardControlPlane();
    mesh.startStandardGateway(FreePorts.pick());
    mesh.awaitControlPlane();
    mesh.awaitGatewayRoute("/a", "a");
    try {
      mesh.awaitOrExplain("the SIMPLE TLS server answers", () -> curl(simplePort, "/a/ready").startsWith("a 200"));
    } catch (AssertionError e) {
      throw new AssertionError("curl -v now: " + curl(simplePort, "/a/ready", "-v") + "\n" + e.getMessage(), e);
    }
  }

  @AfterEach
  void stop() {
    if (mesh != null) {
      mesh.close();
    }
  }

  @Test
  void simpleTlsTerminatesWithTheFilesCertificateOverHttp1AndHttp2() throws Exception {
    // curl verifies the chain against ca.pem and the name against the certificate's SAN.
    assertThat(curl(simplePort, "/a/page", "--http1.1")).as(mesh.diagnostics()).isEqualTo("a 200 1.1");
    assertThat(curl(simplePort, "/b/page", "--http2")).as(mesh.diagnostics()).isEqualTo("b 200 2");
    // A VirtualService bound to the TLS server routes as on plain HTTP: no route, the gateway answers.
    long before = mesh.backend("a").served() + mesh.backend("b").served();
    assertThat(curl(simplePort, "/nowhere")).startsWith(" 404");
    assertThat(mesh.backend("a").served() + mesh.backend("b").served()).isEqualTo(before);

    // The certificate the gateway presents is the one from the Gateway's serverCertificate file.
    String shown = run(List.of("bash", "-c", "openssl s_client -connect 127.0.0.1:" + simplePort + " -servername " + HOST
        + " </dev/null 2>/dev/null | openssl x509 -noout -fingerprint -sha256")).strip();
    String expected = run(List.of("openssl", "x509", "-in", pki.resolve("server.pem").toString(), "-noout", "-fingerprint", "-sha256")).strip();
    assertThat(shown).isEqualTo(expected);
  }

  @Test
  void mutualTlsAdmitsOnlyClientsWithACertificateFromTheGatewaysCa() throws Exception {
    assertThat(curl(mutualPort, "/a/page", "--cert", pki.resolve("client.pem").toString(), "--key", pki.resolve("client.key").toString()))
        .as(mesh.diagnostics())
        .startsWith("a 200");
    long before = mesh.backend("a").served();
    // No certificate, or one from another CA: the handshake fails, nothing reaches the backend.
    assertThat(curl(mutualPort, "/a/page")).startsWith(" 000");
    assertThat(curl(mutualPort, "/a/page", "--cert", pki.resolve("stranger.pem").toString(), "--key", pki.resolve("stranger.key").toString()))
        .startsWith(" 000");
    assertThat(mesh.backend("a").served()).isEqualTo(before);
  }

  private String secureGateway() {
    return """
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata: {name: secure, namespace: default}
        spec:
          selector: {istio: ingressgateway}
          servers:
          - port: {number: %d, name: https, protocol: HTTPS}
            bind: 127.0.0.1
            hosts: ["%s"]
            tls: {mode: SIMPLE, serverCertificate: %s, privateKey: %s}
          - port: {number: %d, name: https-mutual, protocol: HTTPS}
            bind: 127.0.0.1
            hosts: ["%s"]
            tls: {mode: MUTUAL, serverCertificate: %s, privateKey: %s, caCertificates: %s}
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: secure, namespace: default}
        spec:
          hosts: ["%s"]
          gateways: [secure]
          http:
          - match: [{uri: {prefix: /a}}]
            route: [{destination: {host: a.e2e.internal, port: {number: 80}}}]
          - match: [{uri: {prefix: /b}}]
            route: [{destination: {host: b.e2e.internal, port: {number: 80}}}]
        """
        .formatted(
            simplePort, HOST, pki.resolve("server.pem"), pki.resolve("server.key"),
            mutualPort, HOST, pki.resolve("server.pem"), pki.resolve("server.key"), pki.resolve("ca.pem"),
            HOST);
  }

  /** {@code BODY STATUS HTTP_VERSION} of one curl request to {@code https://HOST:port/path}. */
  private String curl(int port, String path, String... extra) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(
        "curl", "-s", "--max-time", "10", "--cacert", pki.resolve("ca.pem").toString(),
        "--resolve", HOST + ":" + port + ":127.0.0.1", "-w", " %{http_code} %{http_version}"));
    command.addAll(List.of(extra));
    command.add("https://" + HOST + ":" + port + path);
    Process p = new ProcessBuilder(command).redirectErrorStream(List.of(extra).contains("-v")).start();
    try {
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("curl finished").isTrue();
      return out;
    } finally {
      p.destroyForcibly();
    }
  }

  private void authority(String name) throws Exception {
    run(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", pki.resolve(name + ".key").toString(), "-out", pki.resolve(name + ".pem").toString(),
        "-subj", "/CN=" + name, "-days", "2"));
    keyOnlyForOwner(name);
  }

  private void leaf(String name, String dnsName, String ca) throws Exception {
    Path csr = pki.resolve(name + ".csr");
    run(List.of("openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", pki.resolve(name + ".key").toString(), "-out", csr.toString(), "-subj", "/CN=" + dnsName));
    Path ext = Files.writeString(pki.resolve(name + ".ext"), "subjectAltName=DNS:" + dnsName + "\n");
    run(List.of("openssl", "x509", "-req", "-in", csr.toString(), "-CA", pki.resolve(ca + ".pem").toString(),
        "-CAkey", pki.resolve(ca + ".key").toString(), "-CAcreateserial", "-days", "2", "-extfile", ext.toString(),
        "-out", pki.resolve(name + ".pem").toString()));
    keyOnlyForOwner(name);
  }

  private void keyOnlyForOwner(String name) throws IOException {
    Files.setPosixFilePermissions(pki.resolve(name + ".key"), PosixFilePermissions.fromString("rw-------"));
  }

  private static String run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
      assertThat(p.exitValue()).as("%s: %s", command, out).isZero();
      return out;
    } finally {
      p.destroyForcibly();
    }
  }
}
