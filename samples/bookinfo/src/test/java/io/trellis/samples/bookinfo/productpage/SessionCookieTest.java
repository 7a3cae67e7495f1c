package io.trellis.samples.bookinfo.productpage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.Headers;
import org.junit.jupiter.api.Test;

class SessionCookieTest {
  private static Headers cookies(String... values) {
    Headers headers = new Headers();
    for (String value : values) {
      headers.add("Cookie", value);
    }
    return headers;
  }

  @Test
  void encodesTheNameSoAnyPrintableNameRoundTrips() {
    String name = "j a;s=o,n%\"";
    String setCookie = SessionCookie.signIn(name);

    assertThat(setCookie).isEqualTo("session=j+a%3Bs%3Do%2Cn%25%22; Path=/; HttpOnly; SameSite=Lax");
    String pair = setCookie.substring(0, setCookie.indexOf(';'));
    assertThat(SessionCookie.user(cookies("theme=dark; " + pair))).hasValue(name);
  }

  @Test
  void findsTheSessionAmongOtherCookies() {
    assertThat(SessionCookie.user(cookies("a=1", "b=2; session=jason"))).hasValue("jason");
    assertThat(SessionCookie.user(cookies("sessionid=jason"))).isEmpty();
    assertThat(SessionCookie.user(new Headers())).isEmpty();
  }

  @Test
  void aForgedCookieSignsNoOneIn() {
    assertThat(SessionCookie.user(cookies("session=jason%0D%0AX-Evil:%201"))).isEmpty();
    assertThat(SessionCookie.user(cookies("session=%E2%98%85"))).isEmpty();
    assertThat(SessionCookie.user(cookies("session=%zz"))).isEmpty();
    assertThat(SessionCookie.user(cookies("session="))).isEmpty();
  }

  @Test
  void unusableNamesAreExplained() {
    assertThat(SessionCookie.problemWith("jason")).isEmpty();
    assertThat(SessionCookie.problemWith("   ")).hasValue("username: empty (expected: 1..64 characters)");
    assertThat(SessionCookie.problemWith("x".repeat(65))).hasValue("username: 65 characters (expected: 1..64)");
    assertThat(SessionCookie.problemWith("jös")).hasValue("username: character 2 is U+00F6 (expected: printable ASCII)");
    assertThatThrownBy(() -> SessionCookie.signIn("a\tb")).hasMessageContaining("U+0009");
  }
}
