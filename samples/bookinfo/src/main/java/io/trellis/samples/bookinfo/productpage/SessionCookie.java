package io.trellis.samples.bookinfo.productpage;

import com.sun.net.httpserver.Headers;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * The signed-in user, kept in a {@code session} cookie as Bookinfo's login does: no password
 * check and no server-side state, because the sample only needs to tell users apart for routing
 * rules. The name is percent-encoded (a cookie value cannot hold spaces or semicolons) and is
 * checked again when read back, since a cookie is whatever the client sends.
 */
public final class SessionCookie {
  /** The cookie's name. */
  public static final String NAME = "session";

  /** Longer names are refused: the name is sent in a header on every call to reviews. */
  public static final int MAX_USERNAME_LENGTH = 64;

  private SessionCookie() {}

  /**
   * Why {@code username} cannot be used, or empty when it can: 1 to {@value #MAX_USERNAME_LENGTH}
   * printable ASCII characters, not all spaces. ASCII because the name becomes the value of the
   * {@code end-user} header, and HTTP header values are not reliably anything else.
   */
  public static Optional<String> problemWith(String username) {
    if (username == null || username.isBlank()) {
      return Optional.of("username: empty (expected: 1.." + MAX_USERNAME_LENGTH + " characters)");
    }
    if (username.length() > MAX_USERNAME_LENGTH) {
      return Optional.of("username: " + username.length() + " characters (expected: 1.."
          + MAX_USERNAME_LENGTH + ")");
    }
    for (int i = 0; i < username.length(); i++) {
      char c = username.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        return Optional.of("username: character " + (i + 1) + " is U+"
            + String.format("%04X", (int) c) + " (expected: printable ASCII)");
      }
    }
    return Optional.empty();
  }

  /** The {@code Set-Cookie} value that signs {@code username} in; it must be acceptable. */
  public static String signIn(String username) {
    if (problemWith(username).isPresent()) {
      throw new IllegalArgumentException(problemWith(username).get());
    }
    return NAME + "=" + URLEncoder.encode(username, StandardCharsets.UTF_8)
        + "; Path=/; HttpOnly; SameSite=Lax";
  }

  /** The {@code Set-Cookie} value that signs the user out. */
  public static String signOut() {
    return NAME + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax";
  }

  /** The signed-in user named by the request's cookies, if there is an acceptable one. */
  public static Optional<String> user(Headers requestHeaders) {
    List<String> cookieHeaders = requestHeaders.get("Cookie");
    if (cookieHeaders == null) {
      return Optional.empty();
    }
    for (String header : cookieHeaders) {
      for (String pair : header.split(";")) {
        String trimmed = pair.trim();
        if (!trimmed.startsWith(NAME + "=")) {
          continue;
        }
        String encoded = trimmed.substring(NAME.length() + 1);
        try {
          String user = URLDecoder.decode(encoded, StandardCharsets.UTF_8);
          if (problemWith(user).isEmpty()) {
            return Optional.of(user);
          }
        } catch (IllegalArgumentException malformed) {
          // an undecodable cookie signs no one in
        }
      }
    }
    return Optional.empty();
  }
}
