package io.trellis.proxy.config.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RouteConfigRecordsTest {

  @Test
  void badRegexNamesTheFieldAndTheRegex() {
    assertThatThrownBy(() -> new PathMatch.SafeRegex("a(b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("match.safe_regex.regex: 'a(b' (expected: an RE2 regular expression");
    // RE2 rejects backreferences that java.util.regex would accept
    assertThatThrownBy(() -> StringMatcher.regex("(a)\\1")).hasMessageContaining("RE2");
  }

  @Test
  void weightedClustersTotalMustEqualSum() {
    var w = new ClusterSpecifier.Weighted(List.of(new WeightedCluster("a", 30), new WeightedCluster("b", 70)));
    assertThat(w.totalWeight()).isEqualTo(100);
    assertThatThrownBy(() -> new ClusterSpecifier.Weighted(List.of(new WeightedCluster("a", 30)), 100))
        .hasMessage("route.weighted_clusters.total_weight: 100 (expected: the sum of the weights, 30)");
    assertThatThrownBy(() -> new WeightedCluster("a", -5))
        .hasMessage("weighted_clusters.clusters[a].weight: -5 (expected: >= 0)");
  }

  @Test
  void headerMatcherNeedsExactlyOneForm() {
    assertThatThrownBy(() -> new HeaderMatcher("x", StringMatcher.exact("a"), true, null, null, false, false))
        .hasMessageContaining("2 match forms");
    assertThatThrownBy(() -> HeaderMatcher.range("x", 5, 5)).hasMessageContaining("[5, 5) (expected: start < end)");
  }

  @Test
  void forwardActionDefaultsToEnvoysFifteenSecondTimeout() {
    assertThat(ForwardAction.to("c").timeout()).isEqualTo(Duration.ofSeconds(15));
    assertThatThrownBy(() -> ForwardAction.builder(new ClusterSpecifier.Cluster("c"))
            .prefixRewrite("/a").regexRewrite(new RegexRewrite("x", "y")).build())
        .hasMessageContaining("not together with regex_rewrite");
  }

  @Test
  void domainsAreUniqueAcrossVirtualHostsAndWellFormed() {
    var a = new VirtualHostConfig("a", List.of("Foo.com"), List.of());
    var b = new VirtualHostConfig("b", List.of("foo.com"), List.of());
    assertThat(a.domains()).containsExactly("foo.com");
    assertThatThrownBy(() -> new RouteConfig("rc", List.of(a, b)))
        .hasMessage("route_config[rc].virtual_hosts[b].domains: 'foo.com' (expected: unique across virtual hosts)");
    assertThatThrownBy(() -> new VirtualHostConfig("c", List.of("a*b"), List.of()))
        .hasMessageContaining("'a*b' (expected: host, *suffix, prefix* or *)");
  }

  @Test
  void redirectCodesAreEnvoys() {
    assertThatThrownBy(() -> new RedirectAction(null, "h", 0, null, null, null, 300, false))
        .hasMessage("redirect.response_code: 300 (expected: 301, 302, 303, 307 or 308)");
  }
}
