package io.trellis.control.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code trellis} commands' side of the {@link AdminServer} API: finds the running control
 * plane through its state directory and calls it with the bearer token.
 */
public final class AdminClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A failed call or a control plane that cannot be found, with a message for the user. */
  public static final class AdminException extends IOException {
    public AdminException(String message) {
      super(message);
    }

    public AdminException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * The outcome of an apply or delete.
   *
   * @param ok whether it took effect
   * @param keys the resources applied or deleted ({@code VirtualService default/reviews})
   * @param problems every problem, formatted {@code file:line: Kind ns/name: path: message}
   */
  public record ChangeResult(boolean ok, List<String> keys, List<String> problems) {}

  private final HttpClient http;
  private final URI base;
  private final String token;

  private AdminClient(URI base, String token) {
    this.base = base;
    this.token = token;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  /** Connects to the control plane recorded in {@code stateDir}. */
  public static AdminClient connect(StateDirectory stateDir) throws AdminException {
    ControlPlaneInfo info;
    try {
      info =
          stateDir
              .readInfo()
              .orElseThrow(
                  () ->
                      new AdminException(
                          "no running control plane found: " + stateDir.infoFile() + " does not exist"
                              + " (start one with `trellis control-plane` or `trellis up`, or pass --state-dir)"));
    } catch (AdminException e) {
      throw e;
    } catch (IOException e) {
      throw new AdminException("cannot read " + stateDir.infoFile() + ": " + e.getMessage(), e);
    }
    if (!ProcessHandle.of(info.pid()).map(ProcessHandle::isAlive).orElse(false)) {
      throw new AdminException(
          "the control plane recorded in " + stateDir.infoFile() + " (pid " + info.pid() + ") is not running");
    }
    String token;
    try {
      token = StateDirectory.readToken(info);
    } catch (IOException e) {
      throw new AdminException(e.getMessage(), e);
    }
    String host = info.host().contains(":") ? "[" + info.host() + "]" : info.host();
    return new AdminClient(URI.create("http://" + host + ":" + info.apiPort()), token);
  }

  /** For tests and callers that already know the address and token. */
  public static AdminClient of(URI base, String token) {
    return new AdminClient(base, token);
  }

  public ChangeResult apply(String fileName, String content) throws AdminException {
    return change("/v1/apply", "applied", fileName, content);
  }

  public ChangeResult delete(String fileName, String content) throws AdminException {
    return change("/v1/delete", "deleted", fileName, content);
  }

  private ChangeResult change(String path, String keysField, String fileName, String content) throws AdminException {
    HttpResponse<String> r =
        send(
            HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", "application/yaml")
                .header("X-Trellis-File", fileName)
                .POST(HttpRequest.BodyPublishers.ofString(content, StandardCharsets.UTF_8)));
    if (r.statusCode() != 200 && r.statusCode() != 400) {
      throw new AdminException(errorOf(r));
    }
    try {
      JsonNode o = JSON.readTree(r.body());
      return new ChangeResult(o.path("ok").asBoolean(), strings(o.path(keysField)), strings(o.path("problems")));
    } catch (IOException e) {
      throw new AdminException("the control plane answered with invalid JSON: " + e.getMessage(), e);
    }
  }

  /** {@code trellis proxy-status} output: a table, or JSON when {@code json}. */
  public String proxyStatus(boolean json) throws AdminException {
    HttpResponse<String> r = send(HttpRequest.newBuilder(base.resolve("/v1/proxy-status" + (json ? "?output=json" : ""))).GET());
    if (r.statusCode() != 200) {
      throw new AdminException(errorOf(r));
    }
    return r.body();
  }

  /** {@code trellis proxy-config SECTION PROXY} output: a table, or Envoy JSON when {@code json}. */
  public String proxyConfig(String section, String proxyId, boolean json) throws AdminException {
    String q =
        "?section=" + URLEncoder.encode(section, StandardCharsets.UTF_8)
            + "&proxy=" + URLEncoder.encode(proxyId, StandardCharsets.UTF_8)
            + (json ? "&output=json" : "");
    HttpResponse<String> r = send(HttpRequest.newBuilder(base.resolve("/v1/proxy-config" + q)).GET());
    if (r.statusCode() != 200) {
      throw new AdminException(errorOf(r));
    }
    return r.body();
  }

  private HttpResponse<String> send(HttpRequest.Builder b) throws AdminException {
    try {
      return http.send(
          b.header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new AdminException("cannot reach the control plane at " + base + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AdminException("interrupted", e);
    }
  }

  private static String errorOf(HttpResponse<String> r) {
    try {
      JsonNode o = JSON.readTree(r.body());
      if (o.hasNonNull("error")) {
        return "control plane: " + o.get("error").asText() + " (HTTP " + r.statusCode() + ")";
      }
    } catch (IOException notJson) {
      // fall through
    }
    return "control plane answered HTTP " + r.statusCode();
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
