package io.trellis.proxy.listener;

import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.proxy.config.listener.CidrRange;
import io.trellis.proxy.config.listener.FilterChainMatch;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class FilterChainSelectorTest {

  private static ConnectionFacts facts(String dst, int dstPort, String src, String sni, String transport, List<String> alpn) {
    return new ConnectionFacts(new InetSocketAddress(dst, dstPort), new InetSocketAddress(src, 40000), sni, transport, alpn);
  }

  @Test
  void destinationPortIsDecidedFirstAndAWinnerNeverBacktracks() {
    FilterChainSelector<String> s = new FilterChainSelector<>(
        List.of(FilterChainMatch.destinationPort(8080).withServerNames(List.of("a.com")), FilterChainMatch.ANY),
        List.of("port-and-sni", "any"));
    assertThat(s.select(facts("10.0.0.1", 8080, "1.1.1.1", "a.com", "tls", List.of()))).isEqualTo("port-and-sni");
    // port 8080 matched the more specific chain, whose server name then fails: Envoy does not fall back
    assertThat(s.select(facts("10.0.0.1", 8080, "1.1.1.1", "b.com", "tls", List.of()))).isNull();
    assertThat(s.select(facts("10.0.0.1", 9090, "1.1.1.1", "b.com", "tls", List.of()))).isEqualTo("any");
  }

  @Test
  void serverNamesPreferExactThenLongestWildcard() {
    FilterChainSelector<String> s = new FilterChainSelector<>(List.of(
        FilterChainMatch.ANY.withServerNames(List.of("api.example.com")),
        FilterChainMatch.ANY.withServerNames(List.of("*.example.com")),
        FilterChainMatch.ANY.withServerNames(List.of("*.v1.example.com")),
        FilterChainMatch.ANY),
        List.of("exact", "wild", "longwild", "none"));
    assertThat(s.select(facts("10.0.0.1", 443, "1.1.1.1", "api.example.com", "tls", List.of()))).isEqualTo("exact");
    assertThat(s.select(facts("10.0.0.1", 443, "1.1.1.1", "x.v1.example.com", "tls", List.of()))).isEqualTo("longwild");
    assertThat(s.select(facts("10.0.0.1", 443, "1.1.1.1", "www.example.com", "tls", List.of()))).isEqualTo("wild");
    assertThat(s.select(facts("10.0.0.1", 443, "1.1.1.1", "example.com", "tls", List.of()))).isEqualTo("none");
    assertThat(s.select(facts("10.0.0.1", 443, "1.1.1.1", "", "raw_buffer", List.of()))).isEqualTo("none");
  }

  @Test
  void prefixRangesPreferTheLongestAndSourceIsCheckedAfterProtocols() {
    FilterChainSelector<String> s = new FilterChainSelector<>(List.of(
        FilterChainMatch.ANY.withPrefixRanges(List.of(new CidrRange("10.0.0.0", 8))),
        FilterChainMatch.ANY.withPrefixRanges(List.of(new CidrRange("10.1.0.0", 16))),
        FilterChainMatch.ANY.withPrefixRanges(List.of(new CidrRange("10.1.0.0", 16))).withSourcePrefixRanges(List.of(new CidrRange("192.168.0.0", 16))),
        FilterChainMatch.ANY.withTransportProtocol("tls").withPrefixRanges(List.of(new CidrRange("10.2.0.0", 16))),
        FilterChainMatch.ANY.withApplicationProtocols(List.of("h2c")).withPrefixRanges(List.of(new CidrRange("10.3.0.0", 16))),
        FilterChainMatch.ANY.withSourcePorts(List.of(40000)).withPrefixRanges(List.of(new CidrRange("10.4.0.0", 16)))),
        List.of("slash8", "slash16", "slash16-from-lan", "tls", "h2c", "srcport"));
    assertThat(s.select(facts("10.9.0.1", 80, "1.1.1.1", "", "raw_buffer", List.of()))).isEqualTo("slash8");
    assertThat(s.select(facts("10.1.0.1", 80, "1.1.1.1", "", "raw_buffer", List.of()))).isEqualTo("slash16");
    assertThat(s.select(facts("10.1.0.1", 80, "192.168.3.4", "", "raw_buffer", List.of()))).isEqualTo("slash16-from-lan");
    assertThat(s.select(facts("10.2.0.1", 80, "1.1.1.1", "", "tls", List.of()))).isEqualTo("tls");
    assertThat(s.select(facts("10.2.0.1", 80, "1.1.1.1", "", "raw_buffer", List.of()))).isNull();
    assertThat(s.select(facts("10.3.0.1", 80, "1.1.1.1", "", "raw_buffer", List.of("h2c")))).isEqualTo("h2c");
    assertThat(s.select(facts("10.3.0.1", 80, "1.1.1.1", "", "raw_buffer", List.of("http/1.1")))).isNull();
    assertThat(s.select(facts("10.4.0.1", 80, "1.1.1.1", "", "raw_buffer", List.of()))).isEqualTo("srcport");
    assertThat(s.select(facts("192.0.2.1", 80, "1.1.1.1", "", "raw_buffer", List.of()))).isNull();
  }
}
