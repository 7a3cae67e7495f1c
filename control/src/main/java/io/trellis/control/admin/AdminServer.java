package io.trellis.control.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.trellis.api.model.ResourceKey;
import io.trellis.control.config.AppliedConfigSource;
import io.trellis.control.config.ConfigSnapshot;
import io.trellis.control.config.Rejection;
import io.trellis.control.status.ProxyConfigView;
import io.trellis.control.status.ProxyStatusView;
import io.trellis.control.xds.ProxyStatus;
import io.trellis.control.xds.SentConfig;
import io.trellis.control.xds.XdsServer;
import io.trellis.control.xds.XdsType;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane's own API, on loopback, for the {@code trellis} commands:
 *
 * <ul>
 *   <li>{@code POST /v1/apply} — body: YAML or JSON; header {@code X-Trellis-File} names it in
 *       messages. 200 with the keys applied, or 400 with every problem (nothing applied).
 *   <li>{@code POST /v1/delete} — same body; 200 with the keys deleted, or 400 (nothing deleted).
 *   <li>{@code GET /v1/proxy-status[?output=json]} — connected proxies' sync state and rejected
 *       configuration, as a table or JSON.
 *   <li>{@code GET /v1/proxy-config?proxy=ID&section=clusters[&output=json]} — what was sent; the
 *       proxy is named by its node id, {@code POD.NAMESPACE}, or a pod name that is unique.
 * </ul>
 *
 * <p>Every request needs {@code Authorization: Bearer TOKEN} with the token from the state
 * directory; anything else gets 401. Bodies are limited to {@value #MAX_BODY} bytes.
 */
public final class AdminServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
  static final int MAX_BODY = 4 * 1024 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer http;
  private final ExecutorService executor;
  private final byte[] expectedAuth;
  private final AppliedConfigSource applied;
  private final XdsServer xds;
  private final Supplier<ConfigSnapshot> config;

  private AdminServer(
      HttpServer http, String token, AppliedConfigSource applied, XdsServer xds, Supplier<ConfigSnapshot> config) {
    this.http = http;
    this.expectedAuth = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    this.applied = applied;
    this.xds = xds;
    this.config = config;
    this.executor = Executors.newFixedThreadPool(2, Thread.ofPlatform().name("admin-api-", 0).daemon().factory());
    http.setExecutor(executor);
    http.createContext("/", this::handle);
  }

  public static AdminServer start(
      String host, int port, String token, AppliedConfigSource applied, XdsServer xds, Supplier<ConfigSnapshot> config)
      throws IOException {
    AdminServer s = new AdminServer(HttpServer.create(new InetSocketAddress(host, port), 16), token, applied, xds, config);
    s.http.start();
    return s;
  }

  public int port() {
    return http.getAddress().getPort();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      if (auth == null || !MessageDigest.isEqual(auth.getBytes(StandardCharsets.UTF_8), expectedAuth)) {
        ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"trellis\"");
        send(ex, 401, error("missing or wrong bearer token (it is in the control plane's state directory)"));
        return;
      }
      String path = ex.getRequestURI().getPath();
      String method = ex.getRequestMethod();
      switch (path) {
        case "/v1/apply", "/v1/delete" -> {
          if (!method.equals("POST")) {
            methodNotAllowed(ex, "POST");
            return;
          }
          byte[] body = readBody(ex);
          if (body == null) {
            send(ex, 413, error("request body larger than " + MAX_BODY + " bytes"));
            return;
          }
          String file = Optional.ofNullable(ex.getRequestHeaders().getFirst("X-Trellis-File")).orElse("request.yaml");
          String content = new String(body, StandardCharsets.UTF_8);
          boolean apply = path.equals("/v1/apply");
          AppliedConfigSource.Result r = apply ? applied.apply(file, content) : applied.delete(file, content);
          ObjectNode out = JSON.createObjectNode();
          out.put("ok", r.ok());
          ArrayNode keys = out.putArray(apply ? "applied" : "deleted");
          for (ResourceKey k : r.keys()) {
            keys.add(k.toString());
          }
          ArrayNode problems = out.putArray("problems");
          r.messages().forEach(problems::add);
          log.info("{} {}: {}", apply ? "apply" : "delete", file, r.ok() ? r.keys() : "rejected, " + r.problems().size() + " problem(s)");
          send(ex, r.ok() ? 200 : 400, out);
        }
        case "/v1/proxy-status" -> {
          if (!method.equals("GET")) {
            methodNotAllowed(ex, "GET");
            return;
          }
          List<ProxyStatus> proxies = xds.status();
          List<Rejection> rejections = config.get().rejections();
          if ("json".equals(query(ex).get("output"))) {
            send(ex, 200, statusJson(proxies, rejections));
          } else {
            sendText(ex, 200, ProxyStatusView.table(proxies, rejections));
          }
        }
        case "/v1/proxy-config" -> {
          if (!method.equals("GET")) {
            methodNotAllowed(ex, "GET");
            return;
          }
          Map<String, String> q = query(ex);
          String proxy = q.getOrDefault("proxy", "");
          ProxyConfigView.Section section;
          try {
            section = ProxyConfigView.Section.parse(q.getOrDefault("section", ""));
          } catch (IllegalArgumentException e) {
            send(ex, 400, error(e.getMessage()));
            return;
          }
          List<String> ids = resolveProxy(proxy);
          if (ids.size() > 1) {
            send(ex, 400, error("\"" + proxy + "\" names several proxies: " + String.join(", ", ids) + " (give the full id)"));
            return;
          }
          Optional<SentConfig> sent = ids.isEmpty() ? Optional.empty() : xds.sentConfig(ids.getFirst());
          if (sent.isEmpty()) {
            send(ex, 404, error("no connected proxy has id \"" + proxy + "\" (see trellis proxy-status)"));
            return;
          }
          if ("json".equals(q.get("output"))) {
            byte[] bytes = (ProxyConfigView.json(sent.get(), section) + "\n").getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, bytes.length);
            try (OutputStream os = ex.getResponseBody()) {
              os.write(bytes);
            }
          } else {
            sendText(ex, 200, ProxyConfigView.table(sent.get(), section));
          }
        }
        default -> send(ex, 404, error("no such endpoint: " + path));
      }
    } catch (RuntimeException e) {
      log.error("admin API request {} failed", ex.getRequestURI(), e);
      try {
        send(ex, 500, error("internal error: " + e));
      } catch (IOException | RuntimeException ignored) {
        // headers may already be sent
      }
    }
  }

  /**
   * The connected proxies {@code name} means: its exact node id, else those whose pod is {@code
   * POD.NAMESPACE} (the id's third field, as istioctl names proxies), else those whose pod name is
   * {@code name}.
   */
  private List<String> resolveProxy(String name) {
    List<ProxyStatus> all = xds.status();
    for (ProxyStatus p : all) {
      if (p.node().id().equals(name)) {
        return List.of(name);
      }
    }
    List<String> byPodAndNamespace =
        all.stream()
            .filter(p -> (p.node().podName() + "." + p.node().namespace()).equals(name))
            .map(p -> p.node().id())
            .distinct()
            .toList();
    if (!byPodAndNamespace.isEmpty()) {
      return byPodAndNamespace;
    }
    return all.stream().filter(p -> p.node().podName().equals(name)).map(p -> p.node().id()).distinct().toList();
  }

  private static ObjectNode statusJson(List<ProxyStatus> proxies, List<Rejection> rejections) {
    ObjectNode out = JSON.createObjectNode();
    ArrayNode list = out.putArray("proxies");
    for (ProxyStatus p : proxies) {
      ObjectNode o = list.addObject();
      o.put("id", p.node().id());
      o.put("kind", p.node().kind().name());
      o.put("namespace", p.node().namespace());
      o.put("protocol", p.delta() ? "delta" : "sotw");
      o.put("stream", p.streamId());
      o.put("connectedAt", p.connectedAt().toString());
      ObjectNode types = o.putObject("types");
      p.types().forEach((url, t) -> {
        ObjectNode to = types.putObject(XdsType.fromTypeUrl(url).map(XdsType::shortName).orElse(url));
        to.put("state", t.state().name());
        to.put("sentVersion", t.sentVersion());
        to.put("ackedVersion", t.ackedVersion());
        to.put("error", t.error());
        to.put("resources", t.resources());
      });
    }
    ArrayNode rej = out.putArray("rejections");
    for (Rejection r : rejections) {
      ObjectNode o = rej.addObject();
      o.put("origin", r.origin());
      o.put("at", r.at().toString());
      ArrayNode messages = o.putArray("messages");
      r.messages().forEach(messages::add);
    }
    return out;
  }

  private static byte[] readBody(HttpExchange ex) throws IOException {
    try (InputStream in = ex.getRequestBody()) {
      byte[] body = in.readNBytes(MAX_BODY + 1);
      return body.length > MAX_BODY ? null : body;
    }
  }

  private static Map<String, String> query(HttpExchange ex) {
    Map<String, String> out = new HashMap<>();
    String raw = ex.getRequestURI().getRawQuery();
    if (raw == null) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        out.put(
            URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  private static ObjectNode error(String message) {
    ObjectNode o = JSON.createObjectNode();
    o.put("ok", false);
    o.put("error", message);
    return o;
  }

  private static void methodNotAllowed(HttpExchange ex, String allowed) throws IOException {
    ex.getResponseHeaders().set("Allow", allowed);
    send(ex, 405, error("method " + ex.getRequestMethod() + " not allowed (expected: " + allowed + ")"));
  }

  private static void send(HttpExchange ex, int status, ObjectNode body) throws IOException {
    byte[] bytes = (JSON.writerWithDefaultPrettyPrinter().writeValueAsString(body) + "\n").getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream os = ex.getResponseBody()) {
      os.write(bytes);
    }
  }

  private static void sendText(HttpExchange ex, int status, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      try (OutputStream os = ex.getResponseBody()) {
        os.write(bytes);
      }
    }
  }

  @Override
  public void close() {
    http.stop(0);
    executor.shutdownNow();
  }
}
