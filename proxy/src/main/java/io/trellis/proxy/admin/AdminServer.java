package io.trellis.proxy.admin;

import com.google.protobuf.Duration;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.envoyproxy.envoy.admin.v3.ServerInfo;
import io.trellis.proxy.stats.StatsStore;
import io.trellis.proxy.xds.EnvoyTypes;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Envoy's admin endpoints on a JDK {@link HttpServer} with one thread of its own: admin requests are
 * rare and must never compete with, or wait on, the data plane's event loops. Endpoints that change
 * state require POST, as Envoy's do, so a stray GET (a browser prefetch, a crawler) cannot stop or
 * drain the proxy.
 */
public final class AdminServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);
  private static final String TEXT = "text/plain; charset=UTF-8";
  private static final String JSON_TYPE = "application/json";
  private static final String PROMETHEUS = "text/plain; version=0.0.4; charset=UTF-8";

  private final HttpServer server;
  private final ExecutorService executor;
  private final ServerState state;
  private final StatsStore stats;
  private final AdminTarget target;

  private AdminServer(HttpServer server, ExecutorService executor, ServerState state, StatsStore stats, AdminTarget target) {
    this.server = server;
    this.executor = executor;
    this.state = state;
    this.stats = stats;
    this.target = target;
  }

  /** Binds {@code address} (port 0 picks a free port) and starts serving. */
  public static AdminServer start(InetSocketAddress address, ServerState state, StatsStore stats, AdminTarget target)
      throws IOException {
    HttpServer server = HttpServer.create(address, 64);
    ExecutorService executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "trellis-admin");
              t.setDaemon(true);
              return t;
            });
    AdminServer admin = new AdminServer(server, executor, state, stats, target);
    server.createContext("/", admin::handle);
    server.setExecutor(executor);
    server.start();
    return admin;
  }

  public InetSocketAddress address() {
    return server.getAddress();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
      String method = exchange.getRequestMethod();
      switch (path) {
        case "/ready" -> ready(exchange);
        case "/server_info" ->
            // Envoy prints the state even when it is LIVE, proto3's default value.
            send(exchange, 200, JSON_TYPE, print(serverInfo(), EnvoyTypes.jsonPrinter().alwaysPrintFieldsWithNoPresence()));
        case "/config_dump" -> send(exchange, 200, JSON_TYPE, print(target.configDump(), EnvoyTypes.jsonPrinter()));
        case "/clusters" -> clusters(exchange, query);
        case "/listeners" -> listeners(exchange, query);
        case "/stats" -> stats(exchange, query);
        case "/stats/prometheus" -> send(exchange, 200, PROMETHEUS, StatsFormats.prometheus(stats));
        case "/quitquitquit" -> {
          if (requirePost(exchange, method)) {
            state.markShuttingDown();
            send(exchange, 200, TEXT, "OK\n");
            target.requestShutdown();
          }
        }
        case "/healthcheck/fail" -> {
          if (requirePost(exchange, method)) {
            state.setHealthCheckFailed(true);
            send(exchange, 200, TEXT, "OK\n");
          }
        }
        case "/healthcheck/ok" -> {
          if (requirePost(exchange, method)) {
            state.setHealthCheckFailed(false);
            send(exchange, 200, TEXT, "OK\n");
          }
        }
        case "/drain_listeners" -> {
          if (requirePost(exchange, method)) {
            target.drainListeners();
            send(exchange, 200, TEXT, "OK\n");
          }
        }
        default ->
            send(
                exchange,
                404,
                TEXT,
                "unknown admin path: " + path + "\navailable: /ready /server_info /config_dump /clusters /listeners /stats"
                    + " /stats/prometheus /quitquitquit /healthcheck/fail /healthcheck/ok /drain_listeners\n");
      }
    } catch (RuntimeException e) {
      LOG.warn("admin request failed: {}", exchange.getRequestURI(), e);
      try {
        send(exchange, 500, TEXT, "internal error: " + e + "\n");
      } catch (IOException | RuntimeException ignored) {
        // The response had already started; the connection is closed by try-with-resources.
      }
    }
  }

  private void ready(HttpExchange exchange) throws IOException {
    ServerState.State s = state.state();
    send(exchange, s == ServerState.State.LIVE ? 200 : 503, TEXT, s.name() + "\n");
  }

  private ServerInfo serverInfo() {
    long uptime = Math.max(0, state.clock().instant().getEpochSecond() - state.started().getEpochSecond());
    Duration up = Duration.newBuilder().setSeconds(uptime).build();
    return ServerInfo.newBuilder()
        .setVersion(target.version())
        .setState(ServerInfo.State.valueOf(state.state().name()))
        .setUptimeCurrentEpoch(up)
        .setUptimeAllEpochs(up)
        .setHotRestartVersion("disabled")
        .setNode(target.node())
        .build();
  }

  private void clusters(HttpExchange exchange, Map<String, String> query) throws IOException {
    if ("json".equals(query.get("format"))) {
      send(exchange, 200, JSON_TYPE, AdminJson.clusters(target.clusters()));
      return;
    }
    StringBuilder out = new StringBuilder();
    for (ClusterStatus c : target.clusters()) {
      out.append(c.name()).append("::observability_name::").append(c.name()).append('\n');
      out.append(c.name()).append("::added_via_api::").append(c.addedViaApi()).append('\n');
      for (ClusterStatus.HostStatus h : c.hosts()) {
        String prefix = c.name() + "::" + h.address() + "::";
        out.append(prefix).append("health_flags::").append(h.healthy() ? "healthy" : "/failed_eds_health").append('\n');
        out.append(prefix).append("weight::").append(h.weight()).append('\n');
        out.append(prefix).append("zone::").append(h.zone()).append('\n');
        h.counters().forEach((name, value) -> out.append(prefix).append(name).append("::").append(value).append('\n'));
      }
    }
    send(exchange, 200, TEXT, out.toString());
  }

  private void listeners(HttpExchange exchange, Map<String, String> query) throws IOException {
    if ("json".equals(query.get("format"))) {
      send(exchange, 200, JSON_TYPE, AdminJson.listeners(target.listeners()));
      return;
    }
    StringBuilder out = new StringBuilder();
    for (ListenerStatus l : target.listeners()) {
      out.append(l.name()).append("::").append(l.address()).append('\n');
    }
    send(exchange, 200, TEXT, out.toString());
  }

  private void stats(HttpExchange exchange, Map<String, String> query) throws IOException {
    Pattern filter = null;
    String regex = query.get("filter");
    if (regex != null && !regex.isEmpty()) {
      try {
        filter = Pattern.compile(regex);
      } catch (PatternSyntaxException e) {
        send(exchange, 400, TEXT, "filter: invalid RE2 regex: " + e.getMessage() + "\n");
        return;
      }
    }
    boolean usedOnly = query.containsKey("usedonly");
    String format = query.getOrDefault("format", "text");
    switch (format) {
      case "text" -> send(exchange, 200, TEXT, StatsFormats.envoyText(stats, filter, usedOnly));
      case "json" -> send(exchange, 200, JSON_TYPE, StatsFormats.envoyJson(stats, filter, usedOnly));
      case "prometheus" -> send(exchange, 200, PROMETHEUS, StatsFormats.prometheus(stats));
      default -> send(exchange, 400, TEXT, "format: " + format + " (expected: text, json or prometheus)\n");
    }
  }

  private static boolean requirePost(HttpExchange exchange, String method) throws IOException {
    if (method.equals("POST")) {
      return true;
    }
    exchange.getResponseHeaders().set("Allow", "POST");
    send(exchange, 405, TEXT, "this admin endpoint changes the proxy's state: use POST\n");
    return false;
  }

  private static String print(com.google.protobuf.MessageOrBuilder message, JsonFormat.Printer printer) {
    try {
      return printer.print(message) + "\n";
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("cannot print " + message.getClass().getSimpleName() + " as JSON", e);
    }
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      out.put(key, value);
    }
    return out;
  }

  private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.getResponseHeaders().set("Cache-Control", "no-cache, max-age=0");
    exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(status, head ? -1 : (bytes.length == 0 ? -1 : bytes.length));
    if (!head && bytes.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }
}
