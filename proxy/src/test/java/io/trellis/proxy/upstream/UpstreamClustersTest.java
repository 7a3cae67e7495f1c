package io.trellis.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netty.channel.Channel;
import io.trellis.proxy.config.cluster.ClusterConfig;
import io.trellis.proxy.config.cluster.DiscoveryType;
import io.trellis.proxy.config.cluster.DnsLookupFamily;
import io.trellis.proxy.config.cluster.EndpointsConfig;
import io.trellis.proxy.config.cluster.HealthStatus;
import io.trellis.proxy.config.cluster.LbEndpoint;
import io.trellis.proxy.config.cluster.LocalityLbEndpoints;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class UpstreamClustersTest extends UpstreamTestSupport {

  private static ClusterConfig eds(String name) {
    return ClusterConfig.builder(name).type(DiscoveryType.EDS).edsServiceName(name + "-svc").build();
  }

  @Test
  void anEdsClusterServesOnlyOnceItHasEndpoints() throws Exception {
    TestBackend a = closing(TestBackend.http1("a"));
    List<String> warmed = new CopyOnWriteArrayList<>();
    clusters.addWarmListener(warmed::add);
    clusters.applyClusters(List.of(eds("reviews")));
    assertThat(clusters.cluster("reviews")).isNull();
    assertThat(clusters.isWarm("reviews")).isFalse();
    assertThat(clusters.clusters()).extracting(ClusterView::warm).containsExactly(false);

    clusters.applyEndpoints(Map.of("reviews-svc", endpoints("reviews-svc", a.port())));
    assertThat(clusters.isWarm("reviews")).isTrue();
    assertThat(warmed).containsExactly("reviews");
    assertThat(finish(Exchange.start(clusters.cluster("reviews"), loop, Exchange.get("/ok"), HttpProtocol.HTTP_1_1)).text())
        .isEqualTo("ok a 0");
    assertThat(gauge("cluster.reviews.membership_total")).isEqualTo(1);
    assertThat(gauge("cluster.reviews.membership_healthy")).isEqualTo(1);
  }

  @Test
  void anEdsUpdateChangesMembershipWithoutDroppingRequestsInFlight() throws Exception {
    TestBackend a = closing(TestBackend.http1("a"));
    TestBackend b = closing(TestBackend.http1("b"));
    clusters.applyClusters(List.of(eds("reviews")));
    clusters.applyEndpoints(Map.of("reviews-svc", endpoints("reviews-svc", a.port())));
    UpstreamCluster c = clusters.cluster("reviews");
    Exchange inFlight = Exchange.start(c, loop, Exchange.get("/hold"), HttpProtocol.HTTP_1_1);
    await().untilAsserted(() -> assertThat(a.heldCount()).isEqualTo(1));

    clusters.applyEndpoints(Map.of("reviews-svc", endpoints("reviews-svc", b.port())));
    assertThat(clusters.cluster("reviews")).isSameAs(c); // same cluster, new membership
    for (int i = 0; i < 5; i++) {
      assertThat(finish(Exchange.start(c, loop, Exchange.get("/ok"), HttpProtocol.HTTP_1_1)).text()).isEqualTo("ok b 0");
    }
    a.releaseHeld();
    assertThat(finish(inFlight).text()).isEqualTo("held a");
    // The removed host's connection drains: closed once its request finished.
    await().untilAsserted(() -> assertThat(a.openConnections).hasValue(0));
    assertThat(b.openConnections).hasValue(1);
  }

  @Test
  void hostsKeepTheirIdentityAcrossUpdatesThatOnlyChangeHealthOrWeight() {
    clusters.applyClusters(List.of(eds("reviews")));
    LbEndpoint one = LbEndpoint.of("127.0.0.1", 1001);
    LbEndpoint two = LbEndpoint.of("127.0.0.1", 1002);
    clusters.applyEndpoints(Map.of("reviews-svc", EndpointsConfig.of("reviews-svc",
        List.of(LocalityLbEndpoints.of(List.of(one, two))))));
    ClusterRuntime r = (ClusterRuntime) clusters.cluster("reviews");
    UpstreamHost first = r.hosts().getFirst();
    clusters.applyEndpoints(Map.of("reviews-svc", EndpointsConfig.of("reviews-svc",
        List.of(LocalityLbEndpoints.of(List.of(one.withWeight(5), two.withHealthStatus(HealthStatus.UNHEALTHY)))))));
    assertThat(r.hosts().getFirst()).isSameAs(first);
    assertThat(first.weight()).isEqualTo(5);
    assertThat(r.hosts().get(1).healthy()).isFalse();
    assertThat(gauge("cluster.reviews.membership_healthy")).isEqualTo(1);
    // 1 of 2 healthy is 50%: not below the panic threshold, so only the healthy host is chosen.
    for (int i = 0; i < 20; i++) {
      assertThat(r.chooseHost(LoadBalancerContext.NONE)).isSameAs(first);
    }
  }

  @Test
  void trafficFailsOverToTheNextPriorityWhenEdsMarksTheFirstUnhealthy() throws Exception {
    TestBackend local = closing(TestBackend.http1("local"));
    TestBackend remote = closing(TestBackend.http1("remote"));
    clusters.applyClusters(List.of(eds("reviews")));
    java.util.function.Function<HealthStatus, EndpointsConfig> assignment = health -> EndpointsConfig.of("reviews-svc", List.of(
        new LocalityLbEndpoints(new Host.Locality("r1", "z1", ""), List.of(LbEndpoint.of("127.0.0.1", local.port()).withHealthStatus(health)), 1, 0),
        new LocalityLbEndpoints(new Host.Locality("r2", "z1", ""), List.of(LbEndpoint.of("127.0.0.1", remote.port())), 1, 1)));
    clusters.applyEndpoints(Map.of("reviews-svc", assignment.apply(HealthStatus.HEALTHY)));
    UpstreamCluster c = clusters.cluster("reviews");
    for (int i = 0; i < 5; i++) {
      assertThat(finish(Exchange.start(c, loop, Exchange.get("/ok"), HttpProtocol.HTTP_1_1)).text()).isEqualTo("ok local 0");
    }
    clusters.applyEndpoints(Map.of("reviews-svc", assignment.apply(HealthStatus.UNHEALTHY)));
    for (int i = 0; i < 5; i++) {
      assertThat(finish(Exchange.start(c, loop, Exchange.get("/ok"), HttpProtocol.HTTP_1_1)).text()).isEqualTo("ok remote 0");
    }
    assertThat(gauge("cluster.reviews.membership_healthy")).isEqualTo(1);
    assertThat(clusters.view("reviews").hosts()).extracting(HostView::priority).containsExactly(0, 1);
  }

  @Test
  void changedClustersAreReplacedAndRemovedOnesDrain() throws Exception {
    TestBackend a = closing(TestBackend.http1("a"));
    clusters.applyClusters(List.of(staticCluster("web", a.port()).build(), staticCluster("other", a.port()).build()));
    UpstreamCluster before = clusters.cluster("web");
    assertThat(finish(Exchange.start(before, loop, Exchange.get("/ok"), HttpProtocol.HTTP_1_1)).status()).isEqualTo(200);
    assertThat(a.openConnections).hasValue(1);

    // Same config again: nothing changes.
    clusters.applyClusters(List.of(staticCluster("web", a.port()).build(), staticCluster("other", a.port()).build()));
    assertThat(clusters.cluster("web")).isSameAs(before);

    // A changed config replaces the cluster; the old one's idle connection closes.
    clusters.applyClusters(List.of(staticCluster("web", a.port()).connectTimeout(Duration.ofSeconds(1)).build()));
    assertThat(clusters.cluster("web")).isNotSameAs(before);
    assertThat(clusters.cluster("other")).isNull();
    await().untilAsserted(() -> assertThat(a.openConnections).hasValue(0));
    assertThat(finish(Exchange.start(clusters.cluster("web"), loop, Exchange.get("/ok"), HttpProtocol.HTTP_1_1)).status())
        .isEqualTo(200);
    assertThat(counter("cluster.web.upstream_cx_total")).isEqualTo(2); // stats continue across versions
  }

  @Test
  void badConfigurationIsRejectedWholeWithEveryProblemNamed() {
    clusters.applyClusters(List.of(staticCluster("keep", 1).build()));
    ClusterConfig notAnIp = ClusterConfig.builder("dns-name").loadAssignment(EndpointsConfig.of("dns-name",
        List.of(LocalityLbEndpoints.of(List.of(LbEndpoint.of("example.com", 80)))))).build();
    assertThatThrownBy(() -> clusters.applyClusters(List.of(notAnIp, staticCluster("dup", 1).build(), staticCluster("dup", 2).build())))
        .hasMessageContaining("clusters[0]: cluster dns-name: load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.address: 'example.com' (expected: an IP address)")
        .hasMessageContaining("clusters[2]: cluster dup: name: 'dup' (expected: unique)");
    assertThat(clusters.cluster("keep")).isNotNull();
    assertThat(clusters.cluster("dup")).isNull();
  }

  @Test
  void strictDnsResolvesLocalhostFromTheHostsFile() throws Exception {
    TestBackend a = closing(TestBackend.http1("a"));
    ClusterConfig dns = ClusterConfig.builder("local").type(DiscoveryType.STRICT_DNS)
        .dnsLookupFamily(DnsLookupFamily.V4_ONLY)
        .dnsRefreshRate(Duration.ofMillis(200))
        .loadAssignment(EndpointsConfig.of("local", List.of(LocalityLbEndpoints.of(List.of(LbEndpoint.of("localhost", a.port()))))))
        .build();
    clusters.applyClusters(List.of(dns));
    await().atMost(Duration.ofSeconds(10)).until(() -> clusters.isWarm("local"));
    List<HostView> hosts = clusters.view("local").hosts();
    assertThat(hosts).extracting(HostView::address)
        .containsExactly(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), a.port()));
    assertThat(finish(Exchange.start(clusters.cluster("local"), loop, Exchange.get("/ok"), HttpProtocol.HTTP_1_1)).text())
        .isEqualTo("ok a 0");
    // Refreshes with the same answer keep the same host (and its connection).
    Host first = clusters.cluster("local").chooseHost(LoadBalancerContext.NONE);
    long changes = counter("cluster.local.membership_change");
    long attempts = counter("cluster.local.update_attempt");
    await().atMost(Duration.ofSeconds(5)).until(() -> counter("cluster.local.update_success") >= attempts + 2);
    assertThat(counter("cluster.local.update_no_rebuild")).isGreaterThanOrEqualTo(2);
    assertThat(clusters.cluster("local").chooseHost(LoadBalancerContext.NONE)).isSameAs(first);
    assertThat(counter("cluster.local.membership_change")).isEqualTo(changes);
  }

  @Test
  void logicalDnsConnectsToTheNamesCurrentAddress() throws Exception {
    TestBackend a = closing(TestBackend.http1("a"));
    ClusterConfig dns = ClusterConfig.builder("logical").type(DiscoveryType.LOGICAL_DNS)
        .dnsLookupFamily(DnsLookupFamily.V4_ONLY)
        .loadAssignment(EndpointsConfig.of("logical", List.of(LocalityLbEndpoints.of(List.of(LbEndpoint.of("localhost", a.port()))))))
        .build();
    clusters.applyClusters(List.of(dns));
    await().atMost(Duration.ofSeconds(10)).until(() -> clusters.isWarm("logical"));
    assertThat(clusters.view("logical").hosts()).hasSize(1);
    assertThat(finish(Exchange.start(clusters.cluster("logical"), loop, Exchange.get("/ok"), HttpProtocol.HTTP_1_1)).status())
        .isEqualTo(200);
  }

  @Test
  void aDnsNameThatDoesNotResolveLeavesAWarmClusterWithoutHosts() {
    ClusterConfig dns = ClusterConfig.builder("nowhere").type(DiscoveryType.STRICT_DNS)
        .dnsLookupFamily(DnsLookupFamily.V4_ONLY)
        .loadAssignment(EndpointsConfig.of("nowhere", List.of(LocalityLbEndpoints.of(
            List.of(LbEndpoint.of("no-such-host.invalid", 80))))))
        .build();
    clusters.applyClusters(List.of(dns));
    await().atMost(Duration.ofSeconds(20)).until(() -> clusters.isWarm("nowhere"));
    assertThat(clusters.cluster("nowhere").chooseHost(LoadBalancerContext.NONE)).isNull();
  }

  @Test
  void originalDestinationClustersConnectWhereTheDownstreamWasGoing() throws Exception {
    TestBackend a = closing(TestBackend.http1("a"));
    TestBackend b = closing(TestBackend.http1("b"));
    clusters.applyClusters(List.of(ClusterConfig.builder("passthrough").type(DiscoveryType.ORIGINAL_DST)
        .cleanupInterval(Duration.ofMillis(200)).build()));
    UpstreamCluster c = clusters.cluster("passthrough");
    assertThat(c.chooseHost(LoadBalancerContext.NONE)).isNull();
    for (TestBackend t : List.of(a, b, a)) {
      LoadBalancerContext ctx = new LoadBalancerContext(null, Set.of(), 1,
          new InetSocketAddress(InetAddress.getLoopbackAddress(), t.port()));
      assertThat(finish(Exchange.start(c, loop, Exchange.get("/ok"), HttpProtocol.HTTP_1_1, ctx, true)).text())
          .isEqualTo("ok " + t.name + " 0");
    }
    assertThat(a.connections).hasValue(1); // pooled per destination
    assertThat(clusters.view("passthrough").hosts()).hasSize(2);
    // Unused destinations are forgotten after the cleanup interval, and their connections closed.
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(clusters.view("passthrough").hosts()).isEmpty());
    await().untilAsserted(() -> assertThat(a.openConnections.get() + b.openConnections.get()).isZero());
  }

  @Test
  void tcpConnectionsComeRawWithAutoReadOff() throws Exception {
    TestBackend a = closing(TestBackend.http1("a"));
    clusters.applyClusters(List.of(staticCluster("tcp", a.port()).build()));
    UpstreamCluster c = clusters.cluster("tcp");
    Channel ch = c.connectTcp(c.chooseHost(LoadBalancerContext.NONE), loop).get();
    try {
      assertThat(ch.isActive()).isTrue();
      assertThat(ch.config().isAutoRead()).isFalse();
      assertThat(ch.pipeline().names()).doesNotContain("codec", "pool");
      await().untilAsserted(() -> assertThat(a.connections).hasValue(1)); // the server accepts on its own loop
    } finally {
      ch.close().sync();
    }
    await().untilAsserted(() -> assertThat(gauge("cluster.tcp.upstream_cx_active")).isZero());
  }

  @Test
  void requestsSpreadOverHostsByThePolicy() throws Exception {
    List<TestBackend> backends = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      backends.add(closing(TestBackend.http1("b" + i)));
    }
    clusters.applyClusters(List.of(staticCluster("rr", backends.get(0).port(), backends.get(1).port(), backends.get(2).port()).build()));
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 6; i++) {
      seen.add(finish(Exchange.start(clusters.cluster("rr"), loop, Exchange.get("/ok"), HttpProtocol.HTTP_1_1)).text());
    }
    assertThat(seen).containsExactlyInAnyOrder("ok b0 0", "ok b1 0", "ok b2 0");
    assertThat(backends).allSatisfy(b -> assertThat(b.requests).hasValue(2));
  }
}
