package io.trellis.samples.bookinfo.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceAddressTest {
  @Test
  void defaultsToTheKubernetesServiceNameOnPort9080() {
    assertThat(ServiceAddress.of(new Environment(Map.of()), "reviews"))
        .hasToString("http://reviews:9080");
  }

  @Test
  void readsIstiosVariables() {
    Environment env = new Environment(Map.of(
        "RATINGS_HOSTNAME", "ratings-canary", "RATINGS_SERVICE_PORT", "9443",
        "SERVICES_DOMAIN", "bookinfo.svc.cluster.local", "DETAILS_HOSTNAME", " "));

    assertThat(ServiceAddress.of(env, "ratings"))
        .hasToString("http://ratings-canary.bookinfo.svc.cluster.local:9443");
    assertThat(ServiceAddress.of(env, "details"))
        .hasToString("http://details.bookinfo.svc.cluster.local:9080");
  }

  @Test
  void refusesWhatIsNotAHostOrPort() {
    assertThatThrownBy(() -> ServiceAddress.of(new Environment(Map.of("DETAILS_HOSTNAME", "a b")), "details"))
        .hasMessage("DETAILS_HOSTNAME / SERVICES_DOMAIN: 'a b' (expected: a host name)");
    assertThatThrownBy(() -> ServiceAddress.of(new Environment(Map.of("REVIEWS_HOSTNAME", "r/x")), "reviews"))
        .hasMessageStartingWith("REVIEWS_HOSTNAME / SERVICES_DOMAIN: 'r/x'");
    assertThatThrownBy(() -> ServiceAddress.of(new Environment(Map.of("REVIEWS_SERVICE_PORT", "70000")), "reviews"))
        .hasMessage("REVIEWS_SERVICE_PORT: '70000' (expected: a port number 1..65535)");
  }
}
