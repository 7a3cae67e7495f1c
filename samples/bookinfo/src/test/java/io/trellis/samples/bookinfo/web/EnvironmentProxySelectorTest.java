package io.trellis.samples.bookinfo.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvironmentProxySelectorTest {
  private static EnvironmentProxySelector selector(Map<String, String> env) {
    return EnvironmentProxySelector.from(new Environment(env));
  }

  private static String via(EnvironmentProxySelector selector, String uri) {
    List<Proxy> proxies = selector.select(URI.create(uri));
    assertThat(proxies).hasSize(1);
    if (proxies.getFirst().type() == Proxy.Type.DIRECT) {
      return "direct";
    }
    InetSocketAddress address = (InetSocketAddress) proxies.getFirst().address();
    return address.getHostString() + ":" + address.getPort();
  }

  @Test
  void withoutHttpProxyEverythingIsDirect() {
    EnvironmentProxySelector none = selector(Map.of("NO_PROXY", "example.com"));

    assertThat(none.proxy()).isEmpty();
    assertThat(via(none, "http://reviews:9080/reviews/0")).isEqualTo("direct");
  }

  @Test
  void httpCallsGoToTheProxyAndOthersDoNot() {
    EnvironmentProxySelector sidecar = selector(Map.of("HTTP_PROXY", "http://127.0.0.5:15080"));

    assertThat(via(sidecar, "http://reviews:9080/reviews/0")).isEqualTo("127.0.0.5:15080");
    assertThat(via(sidecar, "https://reviews:9443/")).isEqualTo("direct");
  }

  @Test
  void lowerCaseWinsAndSchemeAndPortMayBeLeftOut() {
    assertThat(via(selector(Map.of("http_proxy", "10.1.2.3:3128", "HTTP_PROXY", "http://127.0.0.9:1")),
        "http://details:9080/")).isEqualTo("10.1.2.3:3128");
    assertThat(via(selector(Map.of("HTTP_PROXY", "http://proxy.internal/")), "http://details:9080/"))
        .isEqualTo("proxy.internal:80");
    assertThat(via(selector(Map.of("HTTP_PROXY", "http://[::1]:15001")), "http://details:9080/"))
        .isEqualTo("::1:15001");
  }

  @Test
  void noProxyMatchesDomainsSuffixesPortsAndAddressBlocks() {
    EnvironmentProxySelector selector = selector(Map.of(
        "HTTP_PROXY", "http://127.0.0.5:15080",
        "NO_PROXY", " .svc.local , example.com,*.corp, metadata:8080, 10.0.0.0/8, fd00::/8, [::1]"));

    assertThat(via(selector, "http://reviews.default.svc.local:9080/")).isEqualTo("direct");
    assertThat(via(selector, "http://svc.local/")).isEqualTo("direct");
    assertThat(via(selector, "http://example.com/")).isEqualTo("direct");
    assertThat(via(selector, "http://www.EXAMPLE.com/")).isEqualTo("direct");
    assertThat(via(selector, "http://notexample.com/")).isEqualTo("127.0.0.5:15080");
    assertThat(via(selector, "http://build.corp/")).isEqualTo("direct");
    assertThat(via(selector, "http://metadata:8080/")).isEqualTo("direct");
    assertThat(via(selector, "http://metadata:80/")).isEqualTo("127.0.0.5:15080");
    assertThat(via(selector, "http://10.200.3.4:9080/")).isEqualTo("direct");
    assertThat(via(selector, "http://11.0.0.1:9080/")).isEqualTo("127.0.0.5:15080");
    assertThat(via(selector, "http://[fd12::1]:9080/")).isEqualTo("direct");
    assertThat(via(selector, "http://[::1]:9080/")).isEqualTo("direct");
    assertThat(via(selector, "http://[::2]:9080/")).isEqualTo("127.0.0.5:15080");
  }

  @Test
  void noProxyBlocksMatchPartialBytes() {
    EnvironmentProxySelector selector = selector(Map.of(
        "http_proxy", "127.0.0.5:15080", "no_proxy", "192.168.4.0/22"));

    assertThat(via(selector, "http://192.168.7.255/")).isEqualTo("direct");
    assertThat(via(selector, "http://192.168.8.1/")).isEqualTo("127.0.0.5:15080");
    assertThat(via(selector, "http://192.168.3.1/")).isEqualTo("127.0.0.5:15080");
  }

  @Test
  void starExemptsEverything() {
    assertThat(via(selector(Map.of("HTTP_PROXY", "127.0.0.5:1", "NO_PROXY", "*")), "http://reviews/"))
        .isEqualTo("direct");
  }

  @Test
  void unusableSettingsNameTheVariable() {
    assertThatThrownBy(() -> selector(Map.of("HTTP_PROXY", "https://proxy:443")))
        .hasMessage("HTTP_PROXY: 'https://proxy:443': only http:// proxies are supported"
            + " (expected: http://HOST:PORT)");
    assertThatThrownBy(() -> selector(Map.of("http_proxy", "http://user:pw@proxy:3128")))
        .hasMessageStartingWith("http_proxy: 'http://user:pw@proxy:3128': proxy credentials");
    assertThatThrownBy(() -> selector(Map.of("HTTP_PROXY", "http://proxy:3128/path")))
        .hasMessageContaining("a proxy URL has no path");
    assertThatThrownBy(() -> selector(Map.of("HTTP_PROXY", "p:1", "NO_PROXY", "10.0.0.0/40")))
        .hasMessage("NO_PROXY: '10.0.0.0/40' (expected: an address block such as 10.0.0.0/8)");
    assertThatThrownBy(() -> selector(Map.of("HTTP_PROXY", "p:1", "no_proxy", "host:http")))
        .hasMessage("no_proxy: 'host:http' (expected: HOST or HOST:PORT with a numeric port)");
  }
}
