package io.trellis.proxy.listener;

import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.proxy.config.route.ForwardAction;
import io.trellis.proxy.config.route.Route;
import io.trellis.proxy.config.route.RouteConfig;
import io.trellis.proxy.config.route.RouteMatch;
import io.trellis.proxy.config.route.VirtualHostConfig;
import io.trellis.proxy.http.testing.Curl;
import io.trellis.proxy.http.testing.ProxyFixture;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProxySmokeTest {
  @Test
  void curlGetsThroughToTheBackend() {
    try (ProxyFixture f = new ProxyFixture()) {
      f.backend("a");
      int port = f.http(new RouteConfig("r", List.of(new VirtualHostConfig("vh", List.of("*"),
          List.of(new Route("all", RouteMatch.prefix("/"), ForwardAction.to("a")))))));
      Curl.Response r = Curl.run("http://127.0.0.1:" + port + "/hello");
      assertThat(r.status()).as(r.toString()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("backend a");
      assertThat(r.header("x-echo-uri")).isEqualTo("/hello");
      Curl.Response h2 = Curl.run("--http2-prior-knowledge", "http://127.0.0.1:" + port + "/h2");
      assertThat(h2.status()).as(h2.toString()).isEqualTo(200);
      assertThat(h2.header("x-echo-uri")).isEqualTo("/h2");
    }
  }
}
