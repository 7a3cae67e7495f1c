package io.trellis.samples.bookinfo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The service as {@code trellis up} runs it: a separate JVM started from the command line with
 * the pod's environment, called by curl, stopped with SIGTERM.
 */
@Timeout(60)
class BookinfoProcessTest {
  private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");

  private static ProcessBuilder bookinfo(String... args) {
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder builder = new ProcessBuilder(java, "-Xmx64m", "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
        Bookinfo.class.getName());
    builder.command().addAll(List.of(args));
    builder.environment().put("POD_IP", "127.0.0.1");
    builder.environment().put("POD_NAME", "ratings-v1-proc");
    builder.environment().remove("HTTP_PROXY");
    builder.environment().remove("http_proxy");
    return builder;
  }

  @Test
  void servesUntilTerminated() throws Exception {
    Process process = bookinfo("ratings", "--port", "0").redirectErrorStream(true).start();
    try {
      BufferedReader out = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      String first = out.readLine();
      assertThat(first).isNotNull().contains("[ratings-v1]", "(pod ratings-v1-proc)");
      Matcher port = LISTENING.matcher(first);
      assertThat(port.find()).as(first).isTrue();

      Process curl = new ProcessBuilder("curl", "-sS", "--noproxy", "*", "--max-time", "10",
          "http://127.0.0.1:" + port.group(1) + "/ratings/0").redirectErrorStream(true).start();
      String body = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(curl.waitFor(15, TimeUnit.SECONDS)).isTrue();

      assertThat(body).isEqualTo("{\"id\":0,\"ratings\":{\"Reviewer1\":5,\"Reviewer2\":4}}");
      process.destroy(); // SIGTERM
      assertThat(process.waitFor(15, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).isEqualTo(143);
    } finally {
      process.destroyForcibly();
    }
  }

  @Test
  void badArgumentsExitWithUsage() throws Exception {
    Process process = bookinfo("reviewz").redirectErrorStream(true).start();
    try {
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor(15, TimeUnit.SECONDS)).isTrue();

      assertThat(process.exitValue()).isEqualTo(2);
      assertThat(output).contains("bookinfo: service: 'reviewz' (expected: productpage, details, reviews, ratings)")
          .contains("usage: java -jar trellis-bookinfo.jar SERVICE");
    } finally {
      process.destroyForcibly();
    }
  }
}
