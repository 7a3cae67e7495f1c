package io.trellis.proxy.http.h1;

import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.proxy.config.route.ForwardAction;
import io.trellis.proxy.config.route.Route;
import io.trellis.proxy.config.route.RouteConfig;
import io.trellis.proxy.config.route.RouteMatch;
import io.trellis.proxy.config.route.VirtualHostConfig;
import io.trellis.proxy.http.testing.ProxyFixture;
import io.trellis.proxy.http.testing.RawHttp;
import io.trellis.proxy.http.testing.TestBackend;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every file under test resources {@code malformed/} gets 400 or 431, the connection closes, and the backend sees nothing. */
@org.junit.jupiter.api.extension.ExtendWith(io.trellis.proxy.http.testing.LeakCheck.class)
class MalformedRequestCorpusTest {
  private static ProxyFixture fixture;
  private static TestBackend backend;
  private static int port;

  @BeforeAll
  static void start() {
    fixture = new ProxyFixture();
    backend = fixture.backend("backend");
    port = fixture.http(new RouteConfig("r", List.of(new VirtualHostConfig("vh", List.of("*"),
        List.of(new Route("all", RouteMatch.prefix("/"), ForwardAction.to("backend")))))));
  }

  @AfterAll
  static void stop() {
    fixture.close();
  }

  @Test
  void everyMalformedRequestIsRejectedLocallyAndNeverForwarded() throws IOException, URISyntaxException {
    Path dir = Path.of(MalformedRequestCorpusTest.class.getResource("/malformed").toURI());
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.toString().endsWith(".http")).sorted().toList();
    }
    assertThat(files).hasSizeGreaterThanOrEqualTo(40);
    int connectionsBefore = backend.connections.get();
    int requestsBefore = backend.requests.get();
    long errorsBefore = fixture.counter("http.ingress.downstream_cx_protocol_error");
    List<String> failures = new ArrayList<>();
    for (Path file : files) {
      String response = RawHttp.exchange(port, Files.readAllBytes(file));
      boolean rejected = response.startsWith("HTTP/1.1 400 ") || response.startsWith("HTTP/1.1 431 ");
      boolean closed = !response.contains("<timeout");
      if (!rejected || !closed || response.indexOf("\r\nHTTP/1.1 ") >= 0) {
        failures.add(file.getFileName() + " -> " + response.lines().findFirst().orElse("<nothing>")
            + (closed ? "" : " (left open)"));
      }
    }
    assertThat(failures).as("requests not rejected with 400/431 and close").isEmpty();
    assertThat(backend.connections.get()).as("backend connections").isEqualTo(connectionsBefore);
    assertThat(backend.requests.get()).as("backend requests").isEqualTo(requestsBefore);
    assertThat(fixture.counter("http.ingress.downstream_cx_protocol_error") - errorsBefore).isEqualTo(files.size());
  }

  @Test
  void aWellFormedRequestStillWorksOnTheSameListener() throws IOException {
    String response = RawHttp.exchange(port, "GET /ok HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n");
    assertThat(response).startsWith("HTTP/1.1 200 ").contains("backend backend");
  }
}
