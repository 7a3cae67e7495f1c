package io.trellis.bench.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trellis.bench.load.H2load;
import io.trellis.bench.load.LoadResult;
import io.trellis.bench.load.Wrk;
import io.trellis.bench.process.CommandRun;
import io.trellis.bench.process.Placement;
import io.trellis.bench.process.ProcStat;
import io.trellis.bench.process.ResourceSampler;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starts the trellis-mtls target for real (two proxy JVMs, certificates from openssl) in front of
 * the real nginx origin, and checks it with curl, wrk, h2load and the JDK's client: a request
 * through proxy A gets the origin's body over HTTP/2 with mutual TLS to proxy B, short HTTP/1.1 and
 * h2c loads (the benchmark's own paths) get through without errors, B refuses a TLS client without a
 * certificate but serves one with the run's client certificate, the keys are 0600, and the target
 * hands the benchmark both processes to sample.
 */
class TrellisMtlsTargetTest {

  @TempDir Path dir;

  @Test
  void sidecarPairProxiesOverMutualTlsAndIsSampledAsTwoProcesses() throws Exception {
    requireTools("nginx", "openssl", "curl");
    Path launcher = ProxyOnlyLauncher.write(dir);
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    List<Long> pids;
    try (NginxBackend backend = NginxBackend.start(dir, Placement.NONE)) {
      byte[] originBody = get(client, backend.ports().http1(), Paths.ONE_KB);
      TrellisMtlsTarget.Pair pair = new TrellisMtlsTarget(launcher).startPair(dir, backend.ports(), Placement.NONE);
      try (Target.Running running = pair.running()) {
        HttpProbe.awaitOk(running.http1Port(), Paths.EMPTY, Duration.ofSeconds(60), running.process());

        assertThat(get(client, running.http1Port(), Paths.ONE_KB)).isEqualTo(originBody).hasSize(Paths.ONE_KB_BYTES);
        assertThat(adminStat(pair.clientAdminPort(), "cluster.proxy-b.upstream_cx_http2_total"))
            .as("proxy A reached B over HTTP/2 (ALPN h2)")
            .isPositive();

        // the benchmark's own load paths, briefly: HTTP/1.1 keep-alive (wrk), then h2c with 100 streams (h2load)
        URI oneKb = URI.create("http://127.0.0.1:" + running.http1Port() + Paths.ONE_KB);
        LoadResult h1 = new Wrk(Placement.NONE).run(oneKb, 1, 8, Duration.ofSeconds(1));
        assertThat(h1.requests()).isPositive();
        assertThat(h1.errors()).isZero();
        LoadResult h2c = new H2load(Placement.NONE, dir).http2(oneKb, 1, 100, Duration.ofSeconds(1));
        assertThat(h2c.requests()).as("h2c requests through the pair").isPositive();
        assertThat(h2c.errors()).isZero();

        MeshPki pki = pair.pki();
        String url = "https://" + MeshPki.SERVER_NAME + ":" + pair.serverSidePort() + Paths.ONE_KB;
        List<String> curl =
            List.of("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "10", "--cacert",
                pki.caCertificate().toString(), "--resolve", MeshPki.SERVER_NAME + ":" + pair.serverSidePort() + ":127.0.0.1");
        CommandRun.Result noCert = CommandRun.run(concat(curl, List.of(url)), Placement.NONE, Duration.ofSeconds(20));
        assertThat(noCert.ok()).as("curl without a client certificate: " + noCert.output()).isFalse();
        CommandRun.Result withCert =
            CommandRun.run(
                concat(curl, List.of("--cert", pki.clientCertificate().toString(), "--key", pki.clientKey().toString(), url)),
                Placement.NONE,
                Duration.ofSeconds(20));
        assertThat(withCert.output()).as("curl with the run's client certificate").isEqualTo("200");

        for (Path key : List.of(pki.serverKey(), pki.clientKey(), pki.caCertificate().resolveSibling("ca-key.pem"))) {
          assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).as(key.toString()).isEqualTo("rw-------");
        }

        assertThat(running.processes()).hasSize(2).allMatch(p -> p.isAlive());
        pids = running.processes().stream().map(p -> p.pid()).toList();
        assertThat(pids).doesNotHaveDuplicates();
        ProcStat proc = new ProcStat();
        ResourceSampler sampler = new ResourceSampler(proc, pids, System::nanoTime).start();
        get(client, running.http1Port(), Paths.ONE_KB);
        ResourceSampler.Usage usage = sampler.stop();
        assertThat(usage.maxRssMib())
            .as("RSS of both proxies together")
            .isGreaterThan(proc.rssMib(pids.get(0)))
            .isGreaterThan(proc.rssMib(pids.get(1)));
      }
    }
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> pids.stream().noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)));
  }

  /** Skips where a tool is missing on a developer's machine; under CI=true a missing tool fails. */
  private static void requireTools(String... tools) {
    for (String tool : tools) {
      boolean found =
          System.getenv("PATH") != null
              && java.util.Arrays.stream(System.getenv("PATH").split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
      if (!found && "true".equals(System.getenv("CI"))) {
        throw new AssertionError(tool + " is not installed (CI=true: run tools/ensure-packages bench)");
      }
      Assumptions.assumeTrue(found, tool + " is not installed");
    }
  }

  private static long adminStat(int adminPort, String name) throws IOException, InterruptedException {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/stats")).build(), HttpResponse.BodyHandlers.ofString());
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + ": (\\d+)$").matcher(r.body());
    assertThat(m.find()).as(name + " in /stats:\n" + r.body()).isTrue();
    return Long.parseLong(m.group(1));
  }

  private static byte[] get(HttpClient client, int port, String path) throws Exception {
    HttpResponse<byte[]> r =
        client.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).as(path).isEqualTo(200);
    return r.body();
  }

  private static List<String> concat(List<String> a, List<String> b) {
    return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
  }
}
