package io.trellis.samples.bookinfo;

import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.samples.bookinfo.json.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Deployments in bookinfo.yaml start this jar the way it can be started: every container
 * command names the jar Maven builds and a command line {@link LaunchOptions} accepts.
 */
class ManifestsTest {
  @Test
  void everyDeploymentCommandStartsAServiceOfThisJar() throws Exception {
    List<String> lines = Files.readAllLines(Path.of("bookinfo.yaml"));
    List<String> started = new ArrayList<>();
    for (String line : lines) {
      String trimmed = line.trim();
      if (!trimmed.startsWith("command:")) {
        continue;
      }
      // the commands are written as flow sequences of quoted strings, which JSON reads
      List<?> command = (List<?>) JsonParser.parse(trimmed.substring("command:".length()));
      String[] args = command.stream().map(String::valueOf).toArray(String[]::new);
      int jar = Arrays.asList(args).indexOf("-jar");
      assertThat(args[0]).isEqualTo("java");
      assertThat(args).contains("-Xmx64m");
      assertThat(args[jar + 1]).isEqualTo("target/trellis-bookinfo.jar");
      LaunchOptions options = LaunchOptions.parse(Arrays.copyOfRange(args, jar + 2, args.length));
      started.add(options.service().label() + options.version().map(v -> "-" + v).orElse(""));
    }
    assertThat(started).containsExactlyInAnyOrder(
        "details", "ratings", "reviews-v1", "reviews-v2", "reviews-v3", "productpage");
  }
}
