package io.trellis.bench.micro;

import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.proxy.router.RequestView;
import io.trellis.proxy.router.SelectedRoute;
import io.trellis.proxy.upstream.Host;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The JMH benchmarks measure what they claim: their setup builds the intended structures and one
 * invocation gives the expected answer. (No timing here; JMH runs are for people, not CI.)
 */
class MicroBenchmarkSetupTest {

  @Test
  void routeMatchingHitsTheIntendedRouteOrNone() {
    for (String shape : new String[] {"routes", "virtual_hosts"}) {
      RouteMatchBenchmark b = new RouteMatchBenchmark();
      b.shape = shape;
      b.hit = "last";
      b.build();
      SelectedRoute last = b.route();
      assertThat(last).as(shape).isNotNull();
      assertThat(cluster(last)).as(shape).contains("svc-999.");

      b.hit = "first";
      b.build();
      assertThat(cluster(b.route())).as(shape).contains("svc-0.");

      b.hit = "miss";
      b.build();
      assertThat(b.route()).as(shape).isNull();
    }
  }

  private static String cluster(SelectedRoute r) {
    return r.route().chooseCluster(new RequestView(new io.netty.handler.codec.http.DefaultHttpRequest(
        io.netty.handler.codec.http.HttpVersion.HTTP_1_1, io.netty.handler.codec.http.HttpMethod.GET, "/"), "http"),
        new SplittableRandom(1)).cluster();
  }

  @Test
  void everyPolicyPicksAmongTheHostsAndRoundRobinVisitsAll() {
    for (String policy : new String[] {"round_robin", "least_request", "random", "ring_hash", "maglev"}) {
      LoadBalancerPickBenchmark b = new LoadBalancerPickBenchmark();
      b.policy = policy;
      b.hosts = 100;
      b.weighted = false;
      b.build();
      Set<Host> seen = new HashSet<>();
      for (int i = 0; i < 100; i++) {
        Host h = b.pick();
        assertThat(h).as(policy).isNotNull();
        seen.add(h);
      }
      if (policy.equals("round_robin")) {
        assertThat(seen).hasSize(100);
      } else {
        assertThat(seen.size()).as(policy + " spreads picks").isGreaterThan(20);
      }
    }
  }

  @Test
  void translationGeneratesClustersForEveryService() {
    TranslationBenchmark b = new TranslationBenchmark();
    b.services = 20;
    b.build();
    io.trellis.control.xds.XdsResources xds = b.pushContextAndFirstSidecar();
    assertThat(b.anotherSidecarSameContext().ofType(io.trellis.control.xds.XdsType.CLUSTER).keySet())
        .isEqualTo(xds.ofType(io.trellis.control.xds.XdsType.CLUSTER).keySet());
    // every service is visible to a sidecar with no Sidecar resource: its v1 and v2 subset clusters at least
    assertThat(xds.ofType(io.trellis.control.xds.XdsType.CLUSTER).keySet())
        .contains("outbound|8080|v1|svc-00000.ns-0.svc.cluster.local", "outbound|8080|v2|svc-00019.ns-9.svc.cluster.local");
    assertThat(b.pushContext()).isNotNull();
  }

  @Test
  void headParsingDecodesEveryRequestOnTheSameConnection() {
    HeaderParsingBenchmark b = new HeaderParsingBenchmark();
    b.pipeline();
    try {
      for (int i = 0; i < 500; i++) { // many more than any pipelining limit: the benchmark loops forever
        io.netty.handler.codec.http.HttpRequest r = b.parse();
        assertThat(r).as("request " + i).isNotNull();
        assertThat(r.decoderResult().isSuccess()).isTrue();
        assertThat(r.uri()).isEqualTo("/api/v1/products/42/reviews?limit=10&sort=recent");
        assertThat(r.headers().size()).isEqualTo(16);
      }
    } finally {
      b.close();
    }
  }
}
