package io.trellis.control.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trellis.api.model.ResourceKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigStoreTest {
  static final ResourceKey REVIEWS = new ResourceKey("VirtualService", "default", "reviews");
  static final ResourceKey RATINGS = new ResourceKey("VirtualService", "default", "ratings");

  static String virtualService(String name, String subset) {
    return """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata:
          name: %s
        spec:
          hosts:
          - %s
          http:
          - route:
            - destination:
                host: %s
                subset: %s
        """.formatted(name, name, name, subset);
  }

  /** An unknown field in an Istio spec: the API server (and so Trellis) refuses the file. */
  static String brokenVirtualService(String name) {
    return """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata:
          name: %s
        spec:
          hosts:
          - %s
          htpp:
          - route: []
        """.formatted(name, name);
  }

  @TempDir Path dir;
  private ScheduledExecutorService scheduler;
  private DirectoryConfigSource source;
  private ConfigStore store;
  private final List<ConfigStore.Change> changes = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    scheduler = Executors.newSingleThreadScheduledExecutor();
  }

  private void startStore(ConfigSource... extra) throws Exception {
    source = new DirectoryConfigSource(dir, new ValidatingLoader(), scheduler, Duration.ofMinutes(10), Clock.systemUTC());
    List<ConfigSource> sources = new java.util.ArrayList<>(List.of(source));
    sources.addAll(List.of(extra));
    store = new ConfigStore(sources);
    store.addListener(changes::add);
    store.start();
  }

  @AfterEach
  void stop() {
    if (store != null) {
      store.close();
    }
    scheduler.shutdownNow();
  }

  private String subsetOf(ResourceKey key) {
    var vs = store.snapshot().get(key).orElseThrow().spec(io.trellis.api.model.networking.VirtualService.class);
    return vs.http().getFirst().route().getFirst().destination().subset();
  }

  @Test
  void addedChangedAndDeletedFilesTakeEffect() throws Exception {
    Files.writeString(dir.resolve("reviews.yaml"), virtualService("reviews", "v1"));
    startStore();
    assertThat(store.snapshot().resources()).containsOnlyKeys(REVIEWS);
    long v1 = store.snapshot().version();

    Files.writeString(dir.resolve("ratings.yaml"), virtualService("ratings", "v1"));
    source.rescan();
    assertThat(store.snapshot().resources()).containsOnlyKeys(REVIEWS, RATINGS);
    assertThat(changes.getLast().changed()).containsExactly(RATINGS);

    Files.writeString(dir.resolve("reviews.yaml"), virtualService("reviews", "v2"));
    source.rescan();
    assertThat(subsetOf(REVIEWS)).isEqualTo("v2");
    assertThat(changes.getLast().changed()).containsExactly(REVIEWS);

    Files.delete(dir.resolve("ratings.yaml"));
    source.rescan();
    assertThat(store.snapshot().resources()).containsOnlyKeys(REVIEWS);
    assertThat(changes.getLast().changed()).containsExactly(RATINGS);
    assertThat(store.snapshot().version()).isGreaterThan(v1);
  }

  @Test
  void anInvalidFileIsRejectedWithMessagesAndItsLastGoodVersionStays() throws Exception {
    Files.writeString(dir.resolve("reviews.yaml"), virtualService("reviews", "v1"));
    Files.writeString(dir.resolve("ratings.yaml"), virtualService("ratings", "v1"));
    startStore();

    Files.writeString(dir.resolve("reviews.yaml"), brokenVirtualService("reviews"));
    Files.writeString(dir.resolve("ratings.yaml"), virtualService("ratings", "v3"));
    source.rescan();

    ConfigSnapshot s = store.snapshot();
    assertThat(subsetOf(REVIEWS)).as("last good version of the bad file").isEqualTo("v1");
    assertThat(subsetOf(RATINGS)).as("the other file is unaffected").isEqualTo("v3");
    assertThat(s.rejections()).singleElement().satisfies(r -> {
      assertThat(r.origin()).isEqualTo("reviews.yaml");
      assertThat(r.messages()).anySatisfy(m -> assertThat(m).startsWith("reviews.yaml:8: VirtualService default/reviews: spec.htpp"));
    });

    // Fixing it clears the rejection and takes effect.
    Files.writeString(dir.resolve("reviews.yaml"), virtualService("reviews", "v2"));
    source.rescan();
    assertThat(store.snapshot().rejections()).isEmpty();
    assertThat(subsetOf(REVIEWS)).isEqualTo("v2");
  }

  @Test
  void semanticValidationRejectsAFileThatBindsCleanly() throws Exception {
    Files.writeString(dir.resolve("reviews.yaml"), virtualService("reviews", "v1"));
    startStore();
    // Well-formed, but a negative weight is what Istio's webhook refuses.
    Files.writeString(
        dir.resolve("reviews.yaml"),
        virtualService("reviews", "v2").replace("subset: v2", "subset: v2\n      weight: -5"));
    source.rescan();
    assertThat(subsetOf(REVIEWS)).isEqualTo("v1");
    assertThat(store.snapshot().rejections()).singleElement().satisfies(r ->
        assertThat(r.messages()).anySatisfy(m -> assertThat(m).isEqualTo("reviews.yaml:13: VirtualService default/reviews: spec.http[0].route[0].weight: weight -5 < 0 (expected: >= 0)")));
  }

  @Test
  void aNewInvalidFileContributesNothing() throws Exception {
    Files.writeString(dir.resolve("bad.yaml"), brokenVirtualService("reviews"));
    Files.writeString(dir.resolve("good.yaml"), virtualService("ratings", "v1"));
    startStore();
    assertThat(store.snapshot().resources()).containsOnlyKeys(RATINGS);
    assertThat(store.snapshot().rejections()).extracting(Rejection::origin).containsExactly("bad.yaml");
    // Deleting the bad file withdraws its rejection.
    Files.delete(dir.resolve("bad.yaml"));
    source.rescan();
    assertThat(store.snapshot().rejections()).isEmpty();
  }

  @Test
  void aVanishedDirectoryKeepsTheConfigurationInForce() throws Exception {
    Path sub = Files.createDirectories(dir.resolve("mounted"));
    Files.writeString(sub.resolve("reviews.yaml"), virtualService("reviews", "v1"));
    source = new DirectoryConfigSource(sub, new ValidatingLoader(), scheduler, Duration.ofMinutes(10), Clock.systemUTC());
    store = new ConfigStore(List.of(source));
    store.start();
    Files.delete(sub.resolve("reviews.yaml"));
    Files.delete(sub);
    source.rescan();
    assertThat(store.snapshot().resources()).containsOnlyKeys(REVIEWS);
    // When it comes back, its content is what counts again.
    Files.createDirectories(sub);
    Files.writeString(sub.resolve("ratings.yaml"), virtualService("ratings", "v1"));
    source.rescan();
    assertThat(store.snapshot().resources()).containsOnlyKeys(RATINGS);
  }

  @Test
  void reformattingWithoutChangingContentNotifiesNoOne() throws Exception {
    Files.writeString(dir.resolve("reviews.yaml"), virtualService("reviews", "v1"));
    startStore();
    int before = changes.size();
    Files.writeString(dir.resolve("reviews.yaml"), "# a comment moves every line\n\n" + virtualService("reviews", "v1"));
    source.rescan();
    assertThat(changes).hasSize(before);
  }

  @Test
  void theWatcherPicksUpChangesWithoutARescanCall() throws Exception {
    startStore();
    Path sub = Files.createDirectories(dir.resolve("team-a"));
    Files.writeString(sub.resolve("reviews.yaml"), virtualService("reviews", "v1"));
    await().atMost(Duration.ofSeconds(5)).until(() -> store.snapshot().resources().containsKey(REVIEWS));
    Files.delete(sub.resolve("reviews.yaml"));
    await().atMost(Duration.ofSeconds(5)).until(() -> store.snapshot().resources().isEmpty());
  }

  @Test
  void appliedResourcesOverrideAndExtendTheDirectory() throws Exception {
    Files.writeString(dir.resolve("reviews.yaml"), virtualService("reviews", "v1"));
    AppliedConfigSource api = new AppliedConfigSource(new ValidatingLoader());
    startStore(api);

    AppliedConfigSource.Result rejected = api.apply("bad.yaml", brokenVirtualService("reviews"));
    assertThat(rejected.ok()).isFalse();
    assertThat(rejected.messages()).anySatisfy(m -> assertThat(m).contains("bad.yaml:8").contains("htpp"));
    assertThat(subsetOf(REVIEWS)).isEqualTo("v1");

    assertThat(api.apply("reviews-v3.yaml", virtualService("reviews", "v3") + "---\n" + virtualService("ratings", "v2")).ok()).isTrue();
    assertThat(subsetOf(REVIEWS)).isEqualTo("v3");
    assertThat(subsetOf(RATINGS)).isEqualTo("v2");

    // Deleting something the API never applied is refused, and nothing is deleted.
    AppliedConfigSource.Result refused =
        api.delete("x.yaml", virtualService("ratings", "v2") + "---\n" + virtualService("details", "v1"));
    assertThat(refused.ok()).isFalse();
    assertThat(refused.messages()).anySatisfy(m -> assertThat(m).contains("details").contains("was not applied"));
    assertThat(store.snapshot().resources()).containsKey(RATINGS);

    assertThat(api.delete("reviews-v3.yaml", virtualService("reviews", "v3")).ok()).isTrue();
    assertThat(subsetOf(REVIEWS)).as("the directory's version is back").isEqualTo("v1");
  }
}
