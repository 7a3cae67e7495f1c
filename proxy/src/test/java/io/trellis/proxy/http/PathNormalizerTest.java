package io.trellis.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PathNormalizerTest {
  @Test
  void removesDotSegmentsAsRfc3986Does() {
    assertThat(PathNormalizer.normalize("/a/b/c/./../../g", true, false)).isEqualTo("/a/g");
    assertThat(PathNormalizer.normalize("/mid/content=5/../6", true, false)).isEqualTo("/mid/6");
    assertThat(PathNormalizer.normalize("/../../x", true, false)).isEqualTo("/x");
    assertThat(PathNormalizer.normalize("/a/..", true, false)).isEqualTo("/");
    assertThat(PathNormalizer.normalize("/a/.", true, false)).isEqualTo("/a/");
    assertThat(PathNormalizer.normalize("/a/b", true, false)).isEqualTo("/a/b");
  }

  @Test
  void decodesUnreservedEscapesAndUppercasesTheRest() {
    assertThat(PathNormalizer.normalize("/%61%62c/%2e%2e/d", true, false)).isEqualTo("/d");
    assertThat(PathNormalizer.normalize("/a%2fb%3a", true, false)).isEqualTo("/a%2Fb%3A");
    assertThat(PathNormalizer.normalize("/bad%zz", true, false)).isNull();
    assertThat(PathNormalizer.normalize("/trunc%4", true, false)).isNull();
  }

  @Test
  void backslashesBecomeSlashesAndSlashesMerge() {
    assertThat(PathNormalizer.normalize("/a\\..\\b", true, false)).isEqualTo("/b");
    assertThat(PathNormalizer.normalize("//a///b//", false, true)).isEqualTo("/a/b/");
    assertThat(PathNormalizer.normalize("//a/./b", true, true)).isEqualTo("/a/b");
  }

  @Test
  void internalAddressesAreLoopbackPrivateAndUniqueLocal() {
    assertThat(RequestHeadersPreparer.isInternal("127.0.0.1")).isTrue();
    assertThat(RequestHeadersPreparer.isInternal("10.1.2.3")).isTrue();
    assertThat(RequestHeadersPreparer.isInternal("172.16.0.1")).isTrue();
    assertThat(RequestHeadersPreparer.isInternal("172.32.0.1")).isFalse();
    assertThat(RequestHeadersPreparer.isInternal("192.168.9.9")).isTrue();
    assertThat(RequestHeadersPreparer.isInternal("8.8.8.8")).isFalse();
    assertThat(RequestHeadersPreparer.isInternal("::1")).isTrue();
    assertThat(RequestHeadersPreparer.isInternal("fd00::1")).isTrue();
    assertThat(RequestHeadersPreparer.isInternal("2001:db8::1")).isFalse();
    assertThat(RequestHeadersPreparer.isInternal("not-an-ip")).isFalse();
  }
}
