package io.trellis.proxy.http.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.trellis.proxy.config.listener.HttpConnectionManagerConfig;
import io.trellis.proxy.config.listener.HttpFilterConfig;
import io.trellis.proxy.config.route.ForwardAction;
import io.trellis.proxy.config.route.Route;
import io.trellis.proxy.config.route.RouteConfig;
import io.trellis.proxy.config.route.RouteMatch;
import io.trellis.proxy.config.route.VirtualHostConfig;
import io.trellis.proxy.http.testing.Curl;
import io.trellis.proxy.http.testing.LeakCheck;
import io.trellis.proxy.http.testing.ProxyFixture;
import io.trellis.proxy.listener.Listeners;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The filter contract end to end: stop and resume, local replies, encode order, registry rules. */
@ExtendWith(LeakCheck.class)
class HttpFilterChainTest {
  static final String AUTH_URL = "type.googleapis.com/test.DelayedAuth";
  static final String STAMP_URL = "type.googleapis.com/test.Stamp";
  static final String BODY_URL = "type.googleapis.com/test.BodyCounter";

  /** Stops on headers, decides 50 ms later (as an external auth call would), then continues or denies. */
  static final class DelayedAuth implements HttpFilterProvider {
    @Override
    public String typeUrl() {
      return AUTH_URL;
    }

    @Override
    public HttpFilterFactory factory(String name, Object config, FilterContext context) {
      return cb -> new HttpFilter() {
        @Override
        public FilterStatus decodeHeaders(HttpRequest request, boolean endStream) {
          boolean deny = request.headers().contains("x-deny");
          cb.eventLoop().schedule(() -> {
            if (deny) {
              cb.sendLocalReply(403, "denied by " + name, null, "test_denied");
            } else {
              request.headers().set("x-authorized-by", name);
              cb.continueDecoding();
            }
          }, 50, TimeUnit.MILLISECONDS);
          return FilterStatus.STOP_ITERATION;
        }

        @Override
        public FilterStatus encodeHeaders(HttpResponse response, boolean endStream) {
          response.headers().add("x-encoded-by", name);
          return FilterStatus.CONTINUE;
        }
      };
    }
  }

  /** Adds a config-given value on both paths, to show filter order. */
  static final class Stamp implements HttpFilterProvider {
    @Override
    public String typeUrl() {
      return STAMP_URL;
    }

    @Override
    public HttpFilterFactory factory(String name, Object config, FilterContext context) {
      if (!(config instanceof String value)) {
        throw new IllegalArgumentException("typed_config: " + config + " (expected: a String)");
      }
      return cb -> new HttpFilter() {
        @Override
        public FilterStatus decodeHeaders(HttpRequest request, boolean endStream) {
          request.headers().add("x-stamp", value);
          return FilterStatus.CONTINUE;
        }

        @Override
        public FilterStatus encodeHeaders(HttpResponse response, boolean endStream) {
          response.headers().add("x-encoded-by", name);
          return FilterStatus.CONTINUE;
        }
      };
    }
  }

  /** Counts request body bytes and reports them in a request trailer-free way: a response header. */
  static final class BodyCounter implements HttpFilterProvider {
    @Override
    public String typeUrl() {
      return BODY_URL;
    }

    @Override
    public HttpFilterFactory factory(String name, Object config, FilterContext context) {
      return cb -> new HttpFilter() {
        long bytes;

        @Override
        public FilterStatus decodeData(HttpContent data, boolean endStream) {
          bytes += data.content().readableBytes();
          return FilterStatus.CONTINUE;
        }

        @Override
        public FilterStatus encodeHeaders(HttpResponse response, boolean endStream) {
          response.headers().set("x-request-bytes-seen", Long.toString(bytes));
          return FilterStatus.CONTINUE;
        }
      };
    }
  }

  private static HttpFilterRegistry registry() {
    return Listeners.defaultFilters().register(new DelayedAuth()).register(new Stamp()).register(new BodyCounter());
  }

  private static RouteConfig routes() {
    return new RouteConfig("r", List.of(new VirtualHostConfig("vh", List.of("*"),
        List.of(new Route("all", RouteMatch.prefix("/"), ForwardAction.to("a"))))));
  }

  @Test
  void filtersRunInOrderOnRequestsAndInReverseOnResponses() {
    try (ProxyFixture f = new ProxyFixture()) {
      f.backend("a");
      Listeners listeners = new Listeners(f.transport, f.clusters, f.stats, Clock.systemUTC(), new Random(1), registry(), Duration.ofSeconds(1));
      try {
        HttpConnectionManagerConfig hcm = HttpConnectionManagerConfig.builder("filters").routeConfig(routes())
            .httpFilters(List.of(
                new HttpFilterConfig("first", STAMP_URL, "one", false),
                new HttpFilterConfig("auth", AUTH_URL, null, false),
                new HttpFilterConfig("second", STAMP_URL, "two", false),
                new HttpFilterConfig("body", BODY_URL, null, false),
                new HttpFilterConfig("not-here", "type.googleapis.com/test.Unknown", null, true),
                HttpFilterConfig.router()))
            .build();
        listeners.applyListeners(List.of(ProxyFixture.listener("l", hcm)));
        String base = "http://127.0.0.1:" + listeners.boundPort("l");

        Curl.Response ok = Curl.run("--data-binary", "0123456789", base + "/x");
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.headers().get("x-echo-x-stamp")).containsExactly("one", "two");
        assertThat(ok.header("x-echo-x-authorized-by")).isEqualTo("auth");
        // the body waited behind the stopped filter and still arrived whole, after the headers
        assertThat(ok.body()).isEqualTo("0123456789");
        assertThat(ok.header("x-request-bytes-seen")).isEqualTo("10");
        // encode runs in reverse: second, auth, first
        assertThat(ok.headers().get("x-encoded-by")).containsExactly("second", "auth", "first");

        Curl.Response denied = Curl.run("-H", "x-deny: 1", base + "/x");
        assertThat(denied.status()).isEqualTo(403);
        assertThat(denied.body()).isEqualTo("denied by auth");
        // a local reply passes through the encode side of the filters before the one that sent it
        assertThat(denied.headers().get("x-encoded-by")).containsExactly("first");
      } finally {
        listeners.close();
      }
    }
  }

  @Test
  void unknownFilterTypeIsAConfigErrorUnlessOptionalAndBadConfigNamesTheFilter() {
    try (ProxyFixture f = new ProxyFixture()) {
      Listeners listeners = new Listeners(f.transport, f.clusters, f.stats, Clock.systemUTC(), new Random(1), registry(), Duration.ofSeconds(1));
      try {
        HttpConnectionManagerConfig unknown = HttpConnectionManagerConfig.builder("x").routeConfig(routes())
            .httpFilters(List.of(new HttpFilterConfig("mystery", "type.googleapis.com/test.Unknown", null, false), HttpFilterConfig.router()))
            .build();
        assertThatThrownBy(() -> listeners.applyListeners(List.of(ProxyFixture.listener("l", unknown))))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("listener[l].filter_chains[0].http_filters[0] mystery: type URL type.googleapis.com/test.Unknown (expected: one of");
        HttpConnectionManagerConfig badConfig = HttpConnectionManagerConfig.builder("x").routeConfig(routes())
            .httpFilters(List.of(new HttpFilterConfig("stamp", STAMP_URL, 42, false), HttpFilterConfig.router()))
            .build();
        assertThatThrownBy(() -> listeners.applyListeners(List.of(ProxyFixture.listener("l", badConfig))))
            .hasMessageContaining("http_filters[0] stamp: typed_config: 42 (expected: a String)");
        assertThat(listeners.boundPort("l")).isEqualTo(-1);
      } finally {
        listeners.close();
      }
    }
  }

  @Test
  void registryRejectsTwoProvidersForOneTypeUrl() {
    assertThatThrownBy(() -> registry().register(new Stamp())).hasMessageContaining(STAMP_URL);
  }
}
