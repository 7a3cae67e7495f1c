package io.trellis.proxy.router;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.trellis.proxy.config.route.HashPolicy;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Computes a request's load-balancing hash from a route's {@code hash_policy}, as Envoy does: each
 * policy that yields a value is hashed and folded into the running hash (rotate left by one, xor);
 * a terminal policy that yielded a value ends the walk.
 */
final class RequestHasher {
  private static final HashFunction HASH = Hashing.farmHashFingerprint64();

  /** A cookie the router must set on the response because a hash policy generated it. */
  record GeneratedCookie(String name, String value, long maxAgeSeconds, String path) {
    String toSetCookie() {
      StringBuilder sb = new StringBuilder(name).append('=').append(value);
      if (maxAgeSeconds > 0) {
        sb.append("; Max-Age=").append(maxAgeSeconds);
      }
      if (!path.isEmpty()) {
        sb.append("; Path=").append(path);
      }
      return sb.append("; HttpOnly").toString();
    }
  }

  /** The result: the hash ({@code null} when no policy produced a value) and any cookie to set. */
  record Result(Long hash, GeneratedCookie cookie) {}

  private final List<HashPolicy> policies;

  RequestHasher(List<HashPolicy> policies) {
    this.policies = policies;
  }

  Result hash(RequestView request, InetSocketAddress source) {
    Long hash = null;
    GeneratedCookie generated = null;
    for (HashPolicy p : policies) {
      Long h = null;
      switch (p) {
        case HashPolicy.Header header -> {
          String v = request.header(header.headerName());
          if (v != null) {
            h = hashOf(v);
          }
        }
        case HashPolicy.Cookie cookie -> {
          String v = cookieValue(request, cookie.name());
          if (v != null) {
            h = hashOf(v);
          } else if (cookie.ttl() != null) {
            String seed = (source == null ? "" : source.getAddress().getHostAddress() + ":" + source.getPort());
            String value = Long.toHexString(hashOf(seed + request.authority() + request.path() + System.nanoTime()));
            generated = new GeneratedCookie(cookie.name(), value, cookie.ttl().toSeconds(), cookie.path());
            h = hashOf(value);
          }
        }
        case HashPolicy.SourceIp ignored -> {
          if (source != null && source.getAddress() != null) {
            h = HASH.hashBytes(source.getAddress().getAddress()).asLong();
          }
        }
        case HashPolicy.QueryParameter q -> {
          String v = request.queryParameter(q.name());
          if (v != null) {
            h = hashOf(v);
          }
        }
      }
      if (h != null) {
        hash = hash == null ? h : Long.rotateLeft(hash, 1) ^ h;
        if (p.terminal()) {
          break;
        }
      }
    }
    return new Result(hash, generated);
  }

  static long hashOf(String value) {
    return HASH.hashString(value, StandardCharsets.UTF_8).asLong();
  }

  private static String cookieValue(RequestView request, String name) {
    List<String> headers = request.request().headers().getAll(HttpHeaderNames.COOKIE);
    for (String header : headers) {
      for (Cookie c : ServerCookieDecoder.LAX.decodeAll(header)) {
        if (c.name().equals(name)) {
          return c.value();
        }
      }
    }
    return null;
  }
}
