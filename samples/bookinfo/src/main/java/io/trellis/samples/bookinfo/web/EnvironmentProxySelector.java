package io.trellis.samples.bookinfo.web;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Optional;

/**
 * Sends plain-HTTP calls through the proxy named by {@code http_proxy}/{@code HTTP_PROXY},
 * except to hosts {@code no_proxy}/{@code NO_PROXY} exempts.
 *
 * <p>Java's HTTP client ignores these variables (it reads only the {@code http.proxyHost}
 * system properties), yet they are how the local, no-root mesh hands an application its
 * sidecar: the app asks for {@code http://reviews:9080/…} and the sidecar, receiving the
 * absolute-form request, routes it. As curl does, the lower-case name wins when both are set.
 * Only {@code http} URLs are proxied; Bookinfo makes no other calls.
 */
public final class EnvironmentProxySelector extends ProxySelector {
  private static final List<Proxy> DIRECT = List.of(Proxy.NO_PROXY);

  private final Optional<Proxy> proxy;
  private final NoProxyRules exemptions;

  EnvironmentProxySelector(Optional<Proxy> proxy, NoProxyRules exemptions) {
    this.proxy = proxy;
    this.exemptions = exemptions;
  }

  /**
   * Reads the proxy settings from {@code env}.
   *
   * @throws IllegalArgumentException when a variable is set but cannot be used, naming it
   */
  public static EnvironmentProxySelector from(Environment env) {
    Optional<Proxy> proxy = firstSet(env, "http_proxy", "HTTP_PROXY")
        .map(named -> new Proxy(Proxy.Type.HTTP, proxyAddress(named.name(), named.value())));
    NoProxyRules exemptions = firstSet(env, "no_proxy", "NO_PROXY")
        .map(named -> NoProxyRules.parse(named.name(), named.value()))
        .orElse(NoProxyRules.none());
    return new EnvironmentProxySelector(proxy, exemptions);
  }

  /** The proxy in use, if any. */
  public Optional<Proxy> proxy() {
    return proxy;
  }

  @Override
  public List<Proxy> select(URI uri) {
    if (proxy.isEmpty() || !"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
      return DIRECT;
    }
    int port = uri.getPort() == -1 ? 80 : uri.getPort();
    return exemptions.exempts(uri.getHost(), port) ? DIRECT : List.of(proxy.get());
  }

  @Override
  public void connectFailed(URI uri, SocketAddress address, IOException failure) {
    // There is one proxy and no fallback to try: the failed call itself reports the error.
  }

  private record Named(String name, String value) {}

  private static Optional<Named> firstSet(Environment env, String lower, String upper) {
    Optional<String> value = env.get(lower);
    if (value.isPresent()) {
      return Optional.of(new Named(lower, value.get()));
    }
    return env.get(upper).map(v -> new Named(upper, v));
  }

  private static InetSocketAddress proxyAddress(String variable, String value) {
    String withScheme = value.contains("://") ? value : "http://" + value;
    URI uri;
    try {
      uri = new URI(withScheme);
    } catch (URISyntaxException bad) {
      throw invalid(variable, value, bad.getReason());
    }
    if (!"http".equalsIgnoreCase(uri.getScheme())) {
      throw invalid(variable, value, "only http:// proxies are supported");
    }
    if (uri.getHost() == null) {
      throw invalid(variable, value, "no host");
    }
    if (uri.getRawUserInfo() != null) {
      throw invalid(variable, value, "proxy credentials are not supported");
    }
    if (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/")) {
      throw invalid(variable, value, "a proxy URL has no path");
    }
    int port = uri.getPort() == -1 ? 80 : uri.getPort();
    String host = uri.getHost();
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    // Left unresolved: the client resolves it per connection, and a literal costs nothing.
    return InetSocketAddress.createUnresolved(host, port);
  }

  private static IllegalArgumentException invalid(String variable, String value, String why) {
    return new IllegalArgumentException(
        variable + ": '" + value + "': " + why + " (expected: http://HOST:PORT)");
  }
}
