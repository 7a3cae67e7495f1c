package io.trellis.bench.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trellis.bench.load.LoadResult;
import io.trellis.bench.load.Wrk;
import io.trellis.bench.process.Placement;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starts the real origin on free ports, fetches its bodies with the JDK client, loads it with wrk. */
class NginxBackendSmokeTest {

  @TempDir Path dir;

  @Test
  void originServesItsBodiesAndTakesABoundedWrkRun() throws Exception {
    long pid;
    try (NginxBackend backend = NginxBackend.start(dir, Placement.NONE)) {
      pid = backend.process().pid();
      int port = backend.ports().http1();
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      assertThat(get(client, port, Paths.EMPTY)).isEmpty();
      assertThat(get(client, port, Paths.ONE_KB)).hasSize(Paths.ONE_KB_BYTES);
      assertThat(get(client, port, Paths.ONE_MB)).hasSize(Paths.ONE_MB_BYTES);
      HttpResponse<byte[]> post =
          client.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + Paths.ONE_MB))
                  .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[Paths.ONE_MB_BYTES]))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(post.statusCode()).isEqualTo(200);
      assertThat(post.body()).hasSize(Paths.ONE_MB_BYTES);

      LoadResult r =
          new Wrk(Placement.NONE).run(URI.create("http://127.0.0.1:" + port + Paths.ONE_KB), 1, 4, Duration.ofSeconds(1));
      assertThat(r.requests()).isPositive();
      assertThat(r.rps()).isPositive();
      assertThat(r.errors()).isZero();
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true));
  }

  private static byte[] get(HttpClient client, int port, String path) throws Exception {
    HttpResponse<byte[]> r =
        client.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).as(path).isEqualTo(200);
    return r.body();
  }
}
