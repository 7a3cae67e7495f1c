package io.trellis.api.validate;

import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.api.load.DurationText;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The building blocks of validation, each against values Istio accepts and rejects. */
class RulesTest {

  @Test
  void durationsFollowGoSyntaxWhichIncludesProtobufJson() {
    assertThat(DurationText.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(DurationText.parse("3m")).isEqualTo(Duration.ofMinutes(3));
    assertThat(DurationText.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(DurationText.parse("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(DurationText.parse("300us")).isEqualTo(Duration.ofNanos(300_000));
    assertThat(DurationText.parse("1.000340012s")).isEqualTo(Duration.ofNanos(1_000_340_012));
    assertThat(DurationText.parse("0")).isEqualTo(Duration.ZERO);
    assertThat(DurationText.parse("-2s")).isEqualTo(Duration.ofSeconds(-2));
    assertThat(DurationText.parse("apple")).isNull();
    assertThat(DurationText.parse("5")).isNull();
    assertThat(DurationText.parse("1.2.3s")).isNull();
    assertThat(DurationText.parse("")).isNull();
  }

  @Test
  void hostNamesAllowAWildcardOnlyAsTheFirstLabel() {
    assertThat(Names.checkWildcardDomain("*")).isNull();
    assertThat(Names.checkWildcardDomain("*.example.com")).isNull();
    assertThat(Names.checkWildcardDomain("*x")).isNull();
    assertThat(Names.checkWildcardDomain("reviews")).isNull();
    assertThat(Names.checkWildcardDomain("istio.io.")).isNull();
    assertThat(Names.checkWildcardDomain("foo.*.com")).contains("label \"*\" invalid");
    assertThat(Names.checkWildcardDomain("foo*.com")).contains("label \"foo*\" invalid");
    assertThat(Names.checkWildcardDomain("example.123")).contains("cannot be all-numeric");
    assertThat(Names.checkWildcardDomain("")).isEqualTo("empty domain name not allowed");
    assertThat(Names.checkWildcardDomain("a".repeat(256))).contains("too long");
    assertThat(Names.checkPartialWildcard("*x")).isNotNull();
    assertThat(Names.checkPartialWildcard("*.x")).isNull();
  }

  @Test
  void labelKeysAndValuesFollowKubernetes() {
    assertThat(Names.checkLabelKey("app.kubernetes.io/name")).isNull();
    assertThat(Names.checkLabelKey("version")).isNull();
    assertThat(Names.checkLabelKey("-app")).isNotNull();
    assertThat(Names.checkLabelKey("Team.Example/x")).isNotNull();
    assertThat(Names.checkLabelKey("a".repeat(64))).isNotNull();
    assertThat(Names.checkLabelValue("")).isNull();
    assertThat(Names.checkLabelValue("v1.2_rc-3")).isNull();
    assertThat(Names.checkLabelValue("has space")).isNotNull();
  }

  @Test
  void addressesAreParsedAsLiteralsWithoutDns() {
    assertThat(Addresses.isIp("10.0.0.1")).isTrue();
    assertThat(Addresses.isIp("2001:db8::1")).isTrue();
    assertThat(Addresses.isIp("001:db8::")).isTrue();
    assertThat(Addresses.isIp("1.2.3")).isFalse();
    assertThat(Addresses.isIp("01.2.3.4")).isFalse();
    assertThat(Addresses.isIp("256.0.0.1")).isFalse();
    assertThat(Addresses.isIp("localhost")).isFalse();
    assertThat(Addresses.isCidr("10.0.0.0/8")).isTrue();
    assertThat(Addresses.isCidr("2001:db8::/32")).isTrue();
    assertThat(Addresses.isCidr("10.0.0.0/33")).isFalse();
    assertThat(Addresses.isCidr("2001:db8::/129")).isFalse();
    assertThat(Addresses.checkUnixAddress("@abstract")).isNull();
    assertThat(Addresses.checkUnixAddress("/var/run/x.sock")).isNull();
    assertThat(Addresses.checkUnixAddress("/var/run/")).startsWith("UDS may not be a dir");
    assertThat(Addresses.checkUnixAddress("relative")).startsWith("UDS must be an absolute path");
  }

  @Test
  void regexesAreCheckedAsRe2() {
    assertThat(Regexes.check("^/api/v[0-9]+/.*$")).isNull();
    assertThat(Regexes.check("(a|b")).contains("missing closing )");
    assertThat(Regexes.check("(?<=x)y")).startsWith("invalid RE2 regex");
    assertThat(Regexes.check("(a)\\1")).startsWith("invalid RE2 regex"); // back-references are not RE2
    assertThat(Regexes.check("")).isEqualTo("regex string match should not be empty");
    assertThat(Regexes.check("a".repeat(1025))).contains("too large");
  }

  @Test
  void hostMatchingFollowsIstioWildcards() {
    assertThat(HostNames.matches("*.example.com", "api.example.com")).isTrue();
    assertThat(HostNames.matches("*.com", "*.example.com")).isTrue();
    assertThat(HostNames.matches("api.example.com", "web.example.com")).isFalse();
    assertThat(HostNames.subsetOf("api.example.com", "*.example.com")).isTrue();
    assertThat(HostNames.subsetOf("*.example.com", "api.example.com")).isFalse();
    assertThat(HostNames.subsetOf("*.a.example.com", "*.example.com")).isTrue();
  }

  @Test
  void headerValuesAllowEnvoyVariablesAndEscapedPercent() {
    assertThat(HttpHeaders.checkValue("%HOSTNAME%")).isNull();
    assertThat(HttpHeaders.checkValue("100%%")).isNull();
    assertThat(HttpHeaders.checkValue("prefix %REQ(x-id)% suffix")).isNull();
    assertThat(HttpHeaders.checkValue("abc%123")).isNotNull();
    assertThat(HttpHeaders.checkValue("%START_TIME%%")).isNotNull();
    assertThat(HttpHeaders.checkValue("line\nbreak")).isNotNull();
  }
}
