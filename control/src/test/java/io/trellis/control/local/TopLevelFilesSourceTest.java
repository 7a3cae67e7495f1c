package io.trellis.control.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.api.model.Resource;
import io.trellis.control.config.SourceState;
import io.trellis.control.config.ValidatingLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local mesh's source: top-level files only, each all-or-nothing, re-read only when touched. */
class TopLevelFilesSourceTest {
  @TempDir Path dir;
  private ScheduledExecutorService scheduler;
  private TopLevelFilesSource source;
  private final List<SourceState> published = new CopyOnWriteArrayList<>();

  static String service(String name, int port) {
    return """
        apiVersion: v1
        kind: Service
        metadata:
          name: %s
        spec:
          ports:
          - name: http
            port: %d
        """.formatted(name, port);
  }

  @BeforeEach
  void start() {
    scheduler = Executors.newSingleThreadScheduledExecutor();
    // A poll far longer than the test: every rescan below is explicit.
    source = new TopLevelFilesSource(dir, new ValidatingLoader(), scheduler, Duration.ofHours(1), Clock.systemUTC());
  }

  @AfterEach
  void stop() {
    source.close();
    scheduler.shutdownNow();
  }

  private static List<String> names(SourceState state) {
    return state.resources().stream().map(Resource::name).toList();
  }

  @Test
  void readsTopLevelFilesOnlyAndKeepsTheLastGoodVersionOfABrokenFile() throws Exception {
    Files.writeString(dir.resolve("a.yaml"), service("details", 9080));
    Files.createDirectory(dir.resolve("networking"));
    Files.writeString(dir.resolve("networking/b.yaml"), service("waits-for-apply", 9080));
    source.start(published::add);
    assertThat(names(published.getLast())).containsExactly("details");

    Files.writeString(dir.resolve("a.yaml"), service("details", 70000)); // port out of range
    Files.setLastModifiedTime(dir.resolve("a.yaml"), FileTime.from(Instant.now().plusSeconds(5)));
    source.rescan();
    SourceState rejected = published.getLast();
    assertThat(names(rejected)).containsExactly("details");
    assertThat(rejected.rejections()).singleElement().satisfies(r -> {
      assertThat(r.origin()).isEqualTo("a.yaml");
      assertThat(String.join("\n", r.messages())).contains("a.yaml:").contains("70000");
    });

    Files.delete(dir.resolve("a.yaml"));
    source.rescan();
    assertThat(names(published.getLast())).isEmpty();
    assertThat(published.getLast().rejections()).isEmpty();
  }

  @Test
  void aRewriteWithTheSameBytesPublishesNothing() throws Exception {
    Path file = dir.resolve("a.yaml");
    Files.writeString(file, service("details", 9080));
    source.start(published::add);
    int before = published.size();

    Files.writeString(file, service("details", 9080));
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
    source.rescan();
    assertThat(published).hasSize(before);

    Files.writeString(dir.resolve("b.json"), "{\"apiVersion\": \"v1\", \"kind\": \"Service\", \"metadata\": {\"name\": \"ratings\"},"
        + " \"spec\": {\"ports\": [{\"name\": \"http\", \"port\": 9080}]}}");
    source.rescan();
    assertThat(published).hasSize(before + 1);
    assertThat(names(published.getLast())).containsExactly("details", "ratings");
  }
}
