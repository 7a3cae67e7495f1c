package io.trellis.api.validate;

import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.api.load.ConfigLoader;
import io.trellis.api.load.LoadResult;
import io.trellis.api.model.Resource;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs the hand-written corpus under {@code src/test/resources/corpus}: each file's problems must
 * equal its {@code .expected} file exactly (no missing and no extra message), and every resource
 * in an {@code invalid*} file must be rejected. See the corpus README for the conventions.
 */
class CorpusTest {

  private static final ConfigValidator VALIDATOR = new ConfigValidator();
  private static final boolean WRITE = Boolean.getBoolean("corpus.write");

  private static Path root() throws URISyntaxException {
    Path readme = Path.of(Objects.requireNonNull(CorpusTest.class.getResource("/corpus/README.md")).toURI());
    return readme.getParent();
  }

  private static List<Path> files() throws IOException, URISyntaxException {
    Path root = root();
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".json")).sorted().toList();
    }
  }

  private static String name(Path file) throws URISyntaxException {
    return root().relativize(file).toString().replace('\\', '/');
  }

  @TestFactory
  Stream<DynamicTest> everyFileProducesExactlyItsExpectedMessages() throws IOException, URISyntaxException {
    List<DynamicTest> tests = new ArrayList<>();
    for (Path file : files()) {
      String name = name(file);
      tests.add(DynamicTest.dynamicTest(name, () -> check(file, name)));
    }
    return tests.stream();
  }

  private static void check(Path file, String name) throws IOException {
    LoadResult loaded = new ConfigLoader().load(name, Files.readString(file, StandardCharsets.UTF_8));
    ValidationReport report = VALIDATOR.validate(loaded);
    List<String> actual = report.problems().stream().map(Problem::format).toList();
    Path expectedFile = file.resolveSibling(file.getFileName() + ".expected");
    if (WRITE) {
      Path source = Path.of("src/test/resources/corpus").resolve(name + ".expected");
      if (actual.isEmpty()) {
        Files.deleteIfExists(source);
      } else {
        Files.write(source, actual, StandardCharsets.UTF_8);
      }
      return;
    }
    List<String> expected =
        Files.exists(expectedFile)
            ? Files.readAllLines(expectedFile, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList()
            : List.of();
    assertThat(actual).as(name).containsExactlyElementsOf(expected);

    String base = file.getFileName().toString();
    if (base.startsWith("invalid")) {
      assertThat(report.hasErrors()).as(name + " must be rejected").isTrue();
      for (Resource<?> resource : loaded.resources()) {
        assertThat(report.problems())
            .as("%s: %s must be rejected", name, resource.key())
            .anyMatch(p -> p.isError() && resource.key().equals(p.resource()));
      }
    } else if (base.startsWith("valid")) {
      assertThat(report.hasErrors()).as(name + " must be accepted").isFalse();
    }
  }

  @Test
  void corpusHoldsAtLeast150Documents() throws IOException, URISyntaxException {
    int documents = 0;
    for (Path file : files()) {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      if (file.toString().endsWith(".json")) {
        documents += new ConfigLoader().load(name(file), text).resources().size();
        continue;
      }
      for (String document : text.split("(?m)^---[ \\t]*$")) {
        boolean content = document.lines().anyMatch(l -> !l.isBlank() && !l.stripLeading().startsWith("#"));
        if (content) {
          documents++;
        }
      }
    }
    System.out.println("corpus documents: " + documents);
    assertThat(documents).isGreaterThanOrEqualTo(150);
  }
}
