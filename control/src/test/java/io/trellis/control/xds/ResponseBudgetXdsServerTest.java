package io.trellis.control.xds;

import static io.trellis.control.xds.TestResources.cluster;
import static io.trellis.control.xds.TestResources.endpoints;
import static io.trellis.control.xds.TestResources.listener;
import static io.trellis.control.xds.TestResources.node;
import static io.trellis.control.xds.TestResources.routes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Any;
import io.trellis.control.status.ControlPlaneMetrics;
import io.trellis.control.xds.ConvergingAdsClient.Behaviour;
import io.trellis.control.xds.ProxyStatus.SyncState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The response budget and per-stream flow control, with real gRPC clients on loopback: under a
 * budget far smaller than one response, many proxies still converge to exactly what is generated,
 * in push order; proxies that do not ACK or do not read do not stop the others; a closed stream
 * gives its bytes back; and the waiting shows in the metrics.
 */
class ResponseBudgetXdsServerTest {
  private static final int CLUSTERS = 300;
  private static final long TINY_BUDGET = 4 * 1024;
  private static final Duration CONVERGED = Duration.ofSeconds(60);

  /** Cluster names long enough that CDS and EDS responses (some 40 KB) back up a gRPC stream. */
  private static String clusterName(int i) {
    return "outbound|8080||service-%03d.a-namespace-with-a-rather-long-name.svc.cluster.local".formatted(i);
  }

  private static XdsResources resources(int variant) {
    XdsResources.Builder b = XdsResources.builder();
    for (int i = 0; i < CLUSTERS; i++) {
      b.add(cluster(clusterName(i), 1));
      // The variant moves a third of the endpoints: a change that is more than one response's worth.
      b.add(endpoints(clusterName(i), 9000 + (i % 3 == 0 ? variant : 0)));
    }
    return b.add(listener("l", 8000 + variant)).add(routes("r", "v" + variant)).build();
  }

  private static Map<XdsType, List<String>> subscriptions() {
    Map<XdsType, List<String>> s = new LinkedHashMap<>();
    s.put(XdsType.CLUSTER, List.of());
    s.put(XdsType.ENDPOINT, IntStream.range(0, CLUSTERS).mapToObj(ResponseBudgetXdsServerTest::clusterName).toList());
    s.put(XdsType.LISTENER, List.of());
    s.put(XdsType.ROUTE, List.of("r"));
    return s;
  }

  /** What a proxy should end up with: every generated resource, by type and name. */
  private static Map<String, Map<String, Any>> expected(XdsResources generated) {
    Map<String, Map<String, Any>> out = new LinkedHashMap<>();
    for (XdsType t : List.of(XdsType.CLUSTER, XdsType.ENDPOINT, XdsType.LISTENER, XdsType.ROUTE)) {
      Map<String, Any> m = new LinkedHashMap<>();
      generated.ofType(t).forEach((name, r) -> m.put(name, r.any()));
      out.put(t.typeUrl(), m);
    }
    return out;
  }

  private static String id(int i) {
    return "sidecar~10.0.0." + i + "~app-" + i + ".default~default.svc.cluster.local";
  }

  private interface Connect {
    ConvergingAdsClient open(int port, io.envoyproxy.envoy.config.core.v3.Node node, Behaviour b, Map<XdsType, List<String>> s);
  }

  /**
   * Connects {@code proxies} ACKing clients at once, waits for all of them to hold generation 1,
   * changes the configuration, waits for generation 2; returns what the first one holds.
   */
  private static Map<String, Map<String, Any>> converge(XdsServer server, Connect connect, int proxies) {
    List<ConvergingAdsClient> clients = new ArrayList<>();
    try {
      for (int i = 0; i < proxies; i++) {
        clients.add(connect.open(server.port(), node(id(i)), Behaviour.ACK, subscriptions()));
      }
      Map<String, Map<String, Any>> first = expected(resources(1));
      await().atMost(CONVERGED).until(() -> clients.stream().allMatch(c -> c.held().equals(first)));
      server.update(node -> resources(2), PushScope.full(Set.of(), Instant.now()));
      Map<String, Map<String, Any>> second = expected(resources(2));
      await().atMost(CONVERGED).until(() -> clients.stream().allMatch(c -> c.held().equals(second)));
      for (ConvergingAdsClient c : clients) {
        // Whatever waited, each proxy saw its types first arrive in push order.
        assertThat(c.arrivals().stream().distinct().toList())
            .containsExactly(XdsType.CLUSTER.typeUrl(), XdsType.ENDPOINT.typeUrl(), XdsType.LISTENER.typeUrl(), XdsType.ROUTE.typeUrl());
      }
      // Everything sent was ACKed: nothing holds budget, nobody waits.
      await().atMost(CONVERGED).until(() -> server.responseBytesInFlight() == 0 && server.pushesWaitingForBudget() == 0);
      return clients.getFirst().held();
    } finally {
      clients.forEach(ConvergingAdsClient::close);
    }
  }

  private static XdsServer start(long budget, Duration holdLimit, XdsObserver observer) throws Exception {
    return XdsServer.builder()
        .port(0)
        .generator(node -> resources(1))
        .responseBudget(budget)
        .responseHoldLimit(holdLimit)
        .observer(observer)
        .start();
  }

  private void manyProxiesConvergeAsWithoutBudget(Connect connect) throws Exception {
    Map<String, Map<String, Any>> unbounded;
    try (XdsServer server = start(XdsServer.defaultResponseBudget(), XdsServer.DEFAULT_RESPONSE_HOLD_LIMIT, XdsObserver.NONE)) {
      unbounded = converge(server, connect, 12);
    }
    ControlPlaneMetrics metrics = new ControlPlaneMetrics();
    try (XdsServer server = start(TINY_BUDGET, XdsServer.DEFAULT_RESPONSE_HOLD_LIMIT, metrics)) {
      Map<String, Map<String, Any>> bounded = converge(server, connect, 12);
      assertThat(bounded).isEqualTo(unbounded).isEqualTo(expected(resources(2)));
      // CDS and EDS responses are each larger than the whole budget: with 12 proxies, pushes waited.
      assertThat(server.budgetWaits()).isPositive();
      String scrape = metrics.scrape();
      assertThat(scrape).contains("trellis_xds_pushes_waiting_for_budget 0.0", "trellis_xds_response_bytes_in_flight 0.0");
      assertThat(scrape).containsPattern("trellis_xds_budget_waits\\{type=\"[a-z]+\"} [1-9]");
    }
  }

  @Test
  void stateOfTheWorldProxiesConvergeUnderABudgetSmallerThanOneResponse() throws Exception {
    manyProxiesConvergeAsWithoutBudget(ConvergingAdsClient::sotw);
  }

  @Test
  void deltaProxiesConvergeUnderABudgetSmallerThanOneResponse() throws Exception {
    manyProxiesConvergeAsWithoutBudget(ConvergingAdsClient::delta);
  }

  @Test
  void proxiesThatDoNotReadOrDoNotAckDoNotStopTheOthers() throws Exception {
    try (XdsServer server = start(TINY_BUDGET, Duration.ofMillis(300), XdsObserver.NONE);
        ConvergingAdsClient stuck = ConvergingAdsClient.sotw(server.port(), node("stuck"), Behaviour.NO_READ, subscriptions())) {
      // The non-reading proxy gets its CDS (larger than the budget, so alone), which backs up its stream.
      await().atMost(CONVERGED).until(() -> status(server, "stuck", XdsType.CLUSTER) == SyncState.STALE);
      try (ConvergingAdsClient silent = ConvergingAdsClient.sotw(server.port(), node("silent"), Behaviour.NO_ACK, subscriptions());
          ConvergingAdsClient deltaSilent = ConvergingAdsClient.delta(server.port(), node("delta-silent"), Behaviour.NO_ACK, subscriptions())) {
        Map<String, Map<String, Any>> expected = expected(resources(1));
        List<ConvergingAdsClient> others = new ArrayList<>();
        try {
          for (int i = 0; i < 6; i++) {
            others.add(ConvergingAdsClient.sotw(server.port(), node(id(i)), Behaviour.ACK, subscriptions()));
            others.add(ConvergingAdsClient.delta(server.port(), node(id(100 + i)), Behaviour.ACK, subscriptions()));
          }
          await().atMost(CONVERGED).until(() -> others.stream().allMatch(c -> c.held().equals(expected)));
          // The proxy that never ACKs still got one response of each type (its reads drained them).
          await().atMost(CONVERGED).until(() -> silent.held().equals(expected) && deltaSilent.held().equals(expected));
        } finally {
          others.forEach(ConvergingAdsClient::close);
        }
      }
      // Nothing more was written to the stream that does not drain: its other types are still owed.
      assertThat(status(server, "stuck", XdsType.CLUSTER)).isEqualTo(SyncState.STALE);
      assertThat(status(server, "stuck", XdsType.LISTENER)).isEqualTo(SyncState.NOT_SENT);
      // And its bytes stopped counting after the hold limit.
      await().atMost(CONVERGED).until(() -> server.responseBytesInFlight() == 0);
    }
  }

  @Test
  void aClosedStreamReleasesItsBytesAndTheWaitingProxyGoesOn() throws Exception {
    ControlPlaneMetrics metrics = new ControlPlaneMetrics();
    // A hold limit no test reaches: only the stream's close can release what it holds.
    try (XdsServer server = start(TINY_BUDGET, Duration.ofHours(1), metrics)) {
      ConvergingAdsClient stuck = ConvergingAdsClient.sotw(server.port(), node("stuck"), Behaviour.NO_READ, subscriptions());
      // Its CDS, larger than the whole budget, went out alone and is neither drained nor answered.
      await().atMost(CONVERGED).until(() -> status(server, "stuck", XdsType.CLUSTER) == SyncState.STALE);
      try (ConvergingAdsClient waiting = ConvergingAdsClient.delta(server.port(), node(id(1)), Behaviour.ACK, subscriptions())) {
        try {
          await().atMost(CONVERGED).until(() -> server.pushesWaitingForBudget() == 1);
          long held = server.responseBytesInFlight();
          assertThat(held).isGreaterThan(TINY_BUDGET);
          assertThat(metrics.scrape())
              .contains("trellis_xds_pushes_waiting_for_budget 1.0")
              .containsPattern("trellis_xds_response_bytes_in_flight [1-9]");
          assertThat(waiting.held()).isEmpty();
        } finally {
          stuck.close();
        }
        await().atMost(CONVERGED).until(() -> waiting.held().equals(expected(resources(1))));
        await().atMost(CONVERGED).until(() -> server.responseBytesInFlight() == 0 && server.pushesWaitingForBudget() == 0);
        assertThat(metrics.scrape()).contains("trellis_xds_pushes_waiting_for_budget 0.0", "trellis_xds_response_bytes_in_flight 0.0");
      }
    }
  }

  @Test
  void aBudgetMustBePositive() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> XdsServer.builder().responseBudget(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("xDS response budget: 0 bytes (expected: > 0)");
  }

  private static SyncState status(XdsServer server, String proxyId, XdsType type) {
    return server.status().stream()
        .filter(s -> s.node().id().equals(proxyId))
        .findFirst()
        .map(s -> s.types().get(type.typeUrl()).state())
        .orElse(SyncState.NOT_SENT);
  }
}
