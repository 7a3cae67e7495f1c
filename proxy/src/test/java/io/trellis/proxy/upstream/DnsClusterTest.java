package io.trellis.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trellis.proxy.config.cluster.ClusterConfig;
import io.trellis.proxy.config.cluster.DiscoveryType;
import io.trellis.proxy.config.cluster.DnsLookupFamily;
import io.trellis.proxy.config.cluster.EndpointsConfig;
import io.trellis.proxy.config.cluster.LbEndpoint;
import io.trellis.proxy.config.cluster.LocalityLbEndpoints;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** DNS clusters against a DNS server the test controls. */
class DnsClusterTest extends UpstreamTestSupport {
  TestDnsServer dns;

  @BeforeEach
  void startDns() throws Exception {
    dns = closing(new TestDnsServer());
    clusters.close();
    clusters = new UpstreamClusters(transport, stats, Clock.systemUTC(), new Random(1), dns.provider());
  }

  private static ClusterConfig.Builder dnsCluster(String name, DiscoveryType type, String host) {
    return ClusterConfig.builder(name).type(type).dnsLookupFamily(DnsLookupFamily.V4_ONLY)
        .loadAssignment(EndpointsConfig.of(name, List.of(LocalityLbEndpoints.of(List.of(LbEndpoint.of(host, 8080))))));
  }

  private List<String> hostAddresses(String cluster) {
    return clusters.view(cluster).hosts().stream().map(h -> h.address().getAddress().getHostAddress()).toList();
  }

  @Test
  void strictDnsAddsAndRemovesHostsAsAnswersChange() {
    dns.answer("svc.test", "127.0.0.1", "127.0.0.2");
    clusters.applyClusters(List.of(dnsCluster("svc", DiscoveryType.STRICT_DNS, "svc.test")
        .dnsRefreshRate(Duration.ofMillis(100)).build()));
    await().atMost(Duration.ofSeconds(10)).until(() -> clusters.isWarm("svc"));
    assertThat(hostAddresses("svc")).containsExactly("127.0.0.1", "127.0.0.2");
    assertThat(clusters.view("svc").hosts()).extracting(HostView::hostname).containsOnly("svc.test");
    UpstreamHost kept = ((ClusterRuntime) clusters.cluster("svc")).hosts().get(1);

    dns.answer("svc.test", "127.0.0.2", "127.0.0.3");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(hostAddresses("svc")).containsExactly("127.0.0.2", "127.0.0.3"));
    assertThat(((ClusterRuntime) clusters.cluster("svc")).hosts().getFirst()).isSameAs(kept);
    assertThat(gauge("cluster.svc.membership_total")).isEqualTo(2);

    // A name that stops resolving keeps the last good hosts.
    dns.answer("other.test", "127.0.0.9");
    long failures = counter("cluster.svc.update_failure");
    dns.answer("svc.test"); // answers with no records
    await().atMost(Duration.ofSeconds(10)).until(() -> counter("cluster.svc.update_failure") > failures);
    assertThat(hostAddresses("svc")).containsExactly("127.0.0.2", "127.0.0.3");
  }

  @Test
  void respectDnsTtlRefreshesWhenTheAnswerExpires() {
    dns.ttlSeconds = 1;
    dns.answer("ttl.test", "127.0.0.1");
    // The refresh rate alone would not ask again for an hour.
    clusters.applyClusters(List.of(dnsCluster("ttl", DiscoveryType.STRICT_DNS, "ttl.test")
        .dnsRefreshRate(Duration.ofHours(1)).respectDnsTtl(true).build()));
    await().atMost(Duration.ofSeconds(10)).until(() -> clusters.isWarm("ttl"));
    dns.answer("ttl.test", "127.0.0.4");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(hostAddresses("ttl")).containsExactly("127.0.0.4"));
  }

  @Test
  void logicalDnsKeepsOneHostThatFollowsTheFirstAddress() {
    dns.answer("logical.test", "127.0.0.1", "127.0.0.2");
    clusters.applyClusters(List.of(dnsCluster("logical", DiscoveryType.LOGICAL_DNS, "logical.test")
        .dnsRefreshRate(Duration.ofMillis(100)).build()));
    await().atMost(Duration.ofSeconds(10)).until(() -> clusters.isWarm("logical"));
    assertThat(hostAddresses("logical")).containsExactly("127.0.0.1");
    Host host = clusters.cluster("logical").chooseHost(LoadBalancerContext.NONE);
    dns.answer("logical.test", "127.0.0.5");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(hostAddresses("logical")).containsExactly("127.0.0.5"));
    assertThat(clusters.cluster("logical").chooseHost(LoadBalancerContext.NONE)).isSameAs(host);
  }
}
