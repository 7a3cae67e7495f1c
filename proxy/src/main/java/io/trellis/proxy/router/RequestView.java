package io.trellis.proxy.router;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import java.util.List;

/**
 * What route matching reads from a request: the path without query, the raw query, the headers, and
 * Envoy's pseudo-headers ({@code :authority}, {@code :method}, {@code :path}, {@code :scheme}) so that
 * header matchers can name them.
 */
public final class RequestView {
  private final HttpRequest request;
  private final String scheme;
  private final String path;
  private final String query;

  public RequestView(HttpRequest request, String scheme) {
    this.request = request;
    this.scheme = scheme;
    String uri = request.uri();
    int q = uri.indexOf('?');
    int end = q >= 0 ? q : uri.length();
    int hash = uri.indexOf('#');
    if (hash >= 0 && hash < end) {
      end = hash;
    }
    this.path = uri.substring(0, end);
    this.query = q >= 0 ? uri.substring(q + 1, hash > q ? hash : uri.length()) : "";
  }

  public HttpRequest request() {
    return request;
  }

  public String path() {
    return path;
  }

  public String query() {
    return query;
  }

  public String authority() {
    String host = request.headers().get(HttpHeaderNames.HOST);
    return host == null ? "" : host;
  }

  /** All values of a header joined with {@code ","}, or {@code null} when absent. */
  public String header(String lowerCaseName) {
    if (lowerCaseName.startsWith(":")) {
      return switch (lowerCaseName) {
        case ":authority" -> request.headers().get(HttpHeaderNames.HOST);
        case ":method" -> request.method().name();
        case ":path" -> request.uri();
        case ":scheme" -> scheme;
        default -> null;
      };
    }
    List<String> all = request.headers().getAll(lowerCaseName);
    if (all.isEmpty()) {
      return null;
    }
    return all.size() == 1 ? all.getFirst() : String.join(",", all);
  }

  /** The raw (not percent-decoded) value of the first query parameter with this name, "" when it has none, or null. */
  public String queryParameter(String name) {
    if (query.isEmpty()) {
      return null;
    }
    int i = 0;
    while (i <= query.length()) {
      int amp = query.indexOf('&', i);
      if (amp < 0) {
        amp = query.length();
      }
      int eq = query.indexOf('=', i);
      int keyEnd = eq >= 0 && eq < amp ? eq : amp;
      if (keyEnd - i == name.length() && query.startsWith(name, i)) {
        return keyEnd == amp ? "" : query.substring(keyEnd + 1, amp);
      }
      i = amp + 1;
    }
    return null;
  }
}
