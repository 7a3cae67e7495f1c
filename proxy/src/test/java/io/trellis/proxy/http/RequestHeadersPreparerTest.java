package io.trellis.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.trellis.proxy.config.listener.HttpConnectionManagerConfig;
import io.trellis.proxy.config.listener.PathWithEscapedSlashesAction;
import io.trellis.proxy.config.route.RouteConfig;
import io.trellis.proxy.upstream.HttpProtocol;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Envoy's request-header rules before any filter: XFF and trust, x-envoy-*, request id, escaped slashes. */
class RequestHeadersPreparerTest {
  private static final ConnectionInfo FROM_PUBLIC = new ConnectionInfo("l", new InetSocketAddress("203.0.113.7", 5000),
      new InetSocketAddress("10.0.0.1", 80), new InetSocketAddress("10.0.0.1", 80), "", "raw_buffer", false);
  private static final ConnectionInfo FROM_PRIVATE = new ConnectionInfo("l", new InetSocketAddress("10.0.0.9", 5000),
      new InetSocketAddress("10.0.0.1", 80), new InetSocketAddress("10.0.0.1", 80), "", "raw_buffer", false);

  private static HttpConnectionManagerConfig.Builder hcm() {
    return HttpConnectionManagerConfig.builder("p").routeConfig(new RouteConfig("r", List.of()));
  }

  private static HttpRequest request(String uri, String... headers) {
    HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
    for (int i = 0; i < headers.length; i += 2) {
      r.headers().add(headers[i], headers[i + 1]);
    }
    return r;
  }

  private static RequestHeadersPreparer.Rejection prepare(HttpConnectionManagerConfig c, HttpRequest r, ConnectionInfo from) {
    return new RequestHeadersPreparer(c, new Random(1)).prepare(r, from, false, new StreamInfo(0, 0, HttpProtocol.HTTP_1_1, from));
  }

  @Test
  void useRemoteAddressAppendsThePeerAndTrustsOnlyIt() {
    HttpRequest r = request("/", "x-forwarded-for", "1.2.3.4", "x-envoy-retry-on", "5xx", "X-Envoy-Max-Retries", "3", "connection", "keep-alive, x-hop", "x-hop", "1");
    prepare(hcm().useRemoteAddress(true).build(), r, FROM_PRIVATE);
    assertThat(r.headers().get("x-forwarded-for")).isEqualTo("1.2.3.4, 10.0.0.9");
    // XFF had a prior hop, so the request is external: every x-envoy-* header is stripped
    assertThat(r.headers().contains("x-envoy-retry-on")).isFalse();
    assertThat(r.headers().contains("x-envoy-max-retries")).isFalse();
    assertThat(r.headers().contains("x-envoy-internal")).isFalse();
    // hop-by-hop headers, including those named by Connection, never go upstream
    assertThat(r.headers().contains("connection")).isFalse();
    assertThat(r.headers().contains("x-hop")).isFalse();

    HttpRequest internal = request("/", "x-envoy-retry-on", "5xx");
    prepare(hcm().useRemoteAddress(true).build(), internal, FROM_PRIVATE);
    assertThat(internal.headers().get("x-envoy-internal")).isEqualTo("true");
    assertThat(internal.headers().get("x-envoy-retry-on")).isEqualTo("5xx");

    HttpRequest skip = request("/", "x-forwarded-for", "1.2.3.4");
    prepare(hcm().useRemoteAddress(true).skipXffAppend(true).build(), skip, FROM_PUBLIC);
    assertThat(skip.headers().get("x-forwarded-for")).isEqualTo("1.2.3.4");
  }

  @Test
  void withoutUseRemoteAddressTrustedHopsPickTheClientFromXff() {
    // one trusted hop: the client is the second address from the right, which is private, but XFF has two entries
    HttpRequest r = request("/", "x-forwarded-for", "10.1.1.1, 192.0.2.1", "x-envoy-force-trace", "1");
    prepare(hcm().xffNumTrustedHops(1).build(), r, FROM_PRIVATE);
    assertThat(r.headers().get("x-forwarded-for")).isEqualTo("10.1.1.1, 192.0.2.1");
    assertThat(r.headers().contains("x-envoy-force-trace")).isFalse();
    HttpRequest single = request("/", "x-forwarded-for", "10.1.1.1", "x-envoy-force-trace", "1");
    prepare(hcm().build(), single, FROM_PUBLIC);
    assertThat(single.headers().get("x-envoy-internal")).isEqualTo("true");
    assertThat(single.headers().get("x-envoy-force-trace")).isEqualTo("1");
  }

  @Test
  void requestIdIsGeneratedOrKeptByTrustAndPreserveSettings() {
    HttpRequest external = request("/", "x-request-id", "client-chosen");
    prepare(hcm().useRemoteAddress(true).build(), external, FROM_PUBLIC);
    assertThat(external.headers().get("x-request-id")).isNotEqualTo("client-chosen").hasSize(36);
    HttpRequest preserved = request("/", "x-request-id", "client-chosen");
    prepare(hcm().useRemoteAddress(true).preserveExternalRequestId(true).build(), preserved, FROM_PUBLIC);
    assertThat(preserved.headers().get("x-request-id")).isEqualTo("client-chosen");
    HttpRequest none = request("/");
    prepare(hcm().generateRequestId(false).build(), none, FROM_PUBLIC);
    assertThat(none.headers().contains("x-request-id")).isFalse();
    HttpRequest xfcc = request("/", "x-forwarded-client-cert", "By=spiffe://evil");
    prepare(hcm().build(), xfcc, FROM_PUBLIC);
    assertThat(xfcc.headers().contains("x-forwarded-client-cert")).isFalse();
  }

  @Test
  void escapedSlashActions() {
    HttpRequest reject = request("/a%2Fb");
    assertThat(prepare(hcm().pathWithEscapedSlashesAction(PathWithEscapedSlashesAction.REJECT_REQUEST).build(), reject, FROM_PUBLIC).status())
        .isEqualTo(400);
    HttpRequest redirect = request("/a%2fb?q=1");
    RequestHeadersPreparer.Rejection r = prepare(hcm().pathWithEscapedSlashesAction(PathWithEscapedSlashesAction.UNESCAPE_AND_REDIRECT).build(), redirect, FROM_PUBLIC);
    assertThat(r.status()).isEqualTo(307);
    assertThat(r.location()).isEqualTo("/a/b?q=1");
    HttpRequest forward = request("/a%2Fb%5Cc");
    assertThat(prepare(hcm().pathWithEscapedSlashesAction(PathWithEscapedSlashesAction.UNESCAPE_AND_FORWARD).normalizePath(true).build(), forward, FROM_PUBLIC)).isNull();
    assertThat(forward.uri()).isEqualTo("/a/b/c");
    HttpRequest keep = request("/a%2Fb");
    assertThat(prepare(hcm().build(), keep, FROM_PUBLIC)).isNull();
    assertThat(keep.uri()).isEqualTo("/a%2Fb");
  }
}
