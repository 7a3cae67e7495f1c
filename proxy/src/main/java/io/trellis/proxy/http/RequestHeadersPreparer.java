package io.trellis.proxy.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.AsciiString;
import io.trellis.proxy.config.listener.HttpConnectionManagerConfig;
import io.trellis.proxy.config.listener.PathWithEscapedSlashesAction;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.random.RandomGenerator;

/**
 * Prepares a downstream request's headers the way Envoy's connection manager does before any filter
 * runs: drops hop-by-hop headers, appends to x-forwarded-for and decides the trusted client address
 * ({@code use_remote_address}, {@code xff_num_trusted_hops}), decides whether the request is internal
 * (the trusted client address is loopback or private) and strips {@code x-envoy-*} from external ones,
 * sets x-forwarded-proto and x-request-id, removes x-forwarded-client-cert (SANITIZE), and normalizes
 * the path.
 */
final class RequestHeadersPreparer {
  static final String X_FORWARDED_FOR = "x-forwarded-for";
  static final String X_FORWARDED_PROTO = "x-forwarded-proto";
  static final String X_REQUEST_ID = "x-request-id";
  static final String X_ENVOY_INTERNAL = "x-envoy-internal";
  static final String X_FORWARDED_CLIENT_CERT = "x-forwarded-client-cert";

  // the same names with their hash computed once: every request looks each of them up
  private static final AsciiString XFF = AsciiString.cached(X_FORWARDED_FOR);
  private static final AsciiString XFP = AsciiString.cached(X_FORWARDED_PROTO);
  private static final AsciiString XRID = AsciiString.cached(X_REQUEST_ID);
  private static final AsciiString XEI = AsciiString.cached(X_ENVOY_INTERNAL);
  private static final AsciiString XFCC = AsciiString.cached(X_FORWARDED_CLIENT_CERT);
  private static final AsciiString PROXY_CONNECTION = AsciiString.cached("proxy-connection");

  /** The last peer address and its text: a connection's requests (and a sidecar's one peer) repeat it. */
  private record PeerText(java.net.InetAddress address, String text) {}

  private volatile PeerText lastPeer;

  /** Why preparation refused the request (it is answered with a local reply). */
  record Rejection(int status, String details, String location) {}

  private final HttpConnectionManagerConfig config;
  private final RandomGenerator random;

  RequestHeadersPreparer(HttpConnectionManagerConfig config, RandomGenerator random) {
    this.config = config;
    this.random = random;
  }

  /** Mutates {@code request}; returns a rejection, or {@code null} to proceed. */
  Rejection prepare(HttpRequest request, ConnectionInfo connection, boolean upgrade, StreamInfo info) {
    HttpHeaders h = request.headers();
    stripHopByHop(h, upgrade);

    String remoteIp = connection.remoteAddress() == null ? "" : peerText(connection.remoteAddress().getAddress());
    String xff = h.get(XFF);
    boolean internal;
    if (config.useRemoteAddress()) {
      if (!config.skipXffAppend()) {
        h.set(XFF, xff == null || xff.isEmpty() ? remoteIp : xff + ", " + remoteIp);
      }
      internal = (xff == null || xff.isEmpty()) && isInternal(remoteIp);
    } else {
      List<String> hops = split(xff);
      int idx = hops.size() - 1 - config.xffNumTrustedHops();
      String trusted = idx >= 0 ? hops.get(idx) : null;
      internal = hops.size() == 1 && trusted != null && isInternal(trusted);
    }

    if (internal) {
      h.set(XEI, "true");
    } else {
      List<String> envoyHeaders = null;
      for (var it = h.iteratorCharSequence(); it.hasNext(); ) {
        CharSequence name = it.next().getKey();
        if (name.length() > 8 && io.netty.util.AsciiString.regionMatches(name, true, 0, "x-envoy-", 0, 8)) {
          if (envoyHeaders == null) {
            envoyHeaders = new ArrayList<>();
          }
          envoyHeaders.add(name.toString());
        }
      }
      if (envoyHeaders != null) {
        envoyHeaders.forEach(h::remove);
      }
    }
    if (config.useRemoteAddress() || !h.contains(XFP)) {
      h.set(XFP, connection.scheme());
    }
    h.remove(XFCC);

    String rid = h.get(XRID);
    boolean keep = rid != null && !rid.isEmpty() && (internal || config.preserveExternalRequestId());
    if (!keep && config.generateRequestId()) {
      // A random (version 4) UUID from the injected generator, in the proxy a per-thread
      // ThreadLocalRandom, not UUID.randomUUID()'s SecureRandom: x-request-id correlates logs and
      // traces and is no secret or capability, so it needs 122 random bits that do not collide, not
      // cryptographic unpredictability. (Envoy draws it from a buffered CSPRNG; a deployment that
      // treats request ids as unguessable should inject a SecureRandom-backed generator.)
      rid = new UUID(random.nextLong() & ~0xF000L | 0x4000L, random.nextLong() & 0x3FFFFFFFFFFFFFFFL | 0x8000000000000000L).toString();
      h.set(XRID, rid);
    }
    if (rid != null) {
      info.requestId(rid);
    }
    return normalizePath(request);
  }

  private String peerText(java.net.InetAddress address) {
    PeerText last = lastPeer;
    if (last != null && last.address().equals(address)) {
      return last.text();
    }
    String text = address.getHostAddress();
    lastPeer = new PeerText(address, text);
    return text;
  }

  private Rejection normalizePath(HttpRequest request) {
    String uri = request.uri();
    if (uri.isEmpty() || uri.charAt(0) != '/') {
      return null;
    }
    int q = uri.indexOf('?');
    String path = q >= 0 ? uri.substring(0, q) : uri;
    String rest = q >= 0 ? uri.substring(q) : "";
    String p = path;
    PathWithEscapedSlashesAction esc = config.pathWithEscapedSlashesAction();
    if (esc != PathWithEscapedSlashesAction.KEEP_UNCHANGED && esc != PathWithEscapedSlashesAction.IMPLEMENTATION_SPECIFIC_DEFAULT
        && containsEscapedSlash(p)) {
      if (esc == PathWithEscapedSlashesAction.REJECT_REQUEST) {
        return new Rejection(400, "path_has_escaped_slashes", null);
      }
      p = unescapeSlashes(p);
    }
    if (config.normalizePath() || config.mergeSlashes()) {
      p = PathNormalizer.normalize(p, config.normalizePath(), config.mergeSlashes());
      if (p == null) {
        return new Rejection(400, "path_normalization_failed", null);
      }
    }
    if (!p.equals(path)) {
      if (esc == PathWithEscapedSlashesAction.UNESCAPE_AND_REDIRECT && containsEscapedSlash(path)) {
        return new Rejection(307, "path_unescaped_redirect", p + rest);
      }
      request.setUri(p + rest);
    }
    return null;
  }

  private static boolean containsEscapedSlash(String p) {
    int i = p.indexOf('%');
    while (i >= 0 && i + 2 < p.length()) {
      char a = p.charAt(i + 1);
      char b = Character.toUpperCase(p.charAt(i + 2));
      if (a == '2' && b == 'F' || a == '5' && b == 'C') {
        return true;
      }
      i = p.indexOf('%', i + 1);
    }
    return false;
  }

  private static String unescapeSlashes(String p) {
    return p.replace("%2F", "/").replace("%2f", "/").replace("%5C", "\\").replace("%5c", "\\");
  }

  private static void stripHopByHop(HttpHeaders h, boolean upgrade) {
    String connection = h.get(HttpHeaderNames.CONNECTION);
    if (connection != null) {
      for (String token : connection.split(",")) {
        String t = token.trim().toLowerCase(Locale.ROOT);
        if (!t.isEmpty() && !(upgrade && t.equals("upgrade")) && !t.equals("te")
            && !t.startsWith(":") && !t.equals("host")) {
          h.remove(t);
        }
      }
      if (upgrade) {
        h.set(HttpHeaderNames.CONNECTION, "upgrade");
      } else {
        h.remove(HttpHeaderNames.CONNECTION);
      }
    }
    h.remove(HttpHeaderNames.KEEP_ALIVE);
    h.remove(PROXY_CONNECTION);
    if (!upgrade) {
      h.remove(HttpHeaderNames.UPGRADE);
    }
    String te = h.get(HttpHeaderNames.TE);
    if (te != null && !te.trim().equalsIgnoreCase("trailers")) {
      h.remove(HttpHeaderNames.TE);
    }
  }

  private static List<String> split(String xff) {
    if (xff == null || xff.isEmpty()) {
      return List.of();
    }
    List<String> out = new ArrayList<>(4);
    for (String s : xff.split(",")) {
      String t = s.trim();
      if (!t.isEmpty()) {
        out.add(t);
      }
    }
    return out;
  }

  /** Envoy's default internal address test: loopback, RFC 1918, or IPv6 unique-local. */
  static boolean isInternal(String ip) {
    byte[] b = io.netty.util.NetUtil.createByteArrayFromIpAddressString(ip);
    if (b == null) {
      return false;
    }
    if (b.length == 4) {
      int a0 = b[0] & 0xff;
      int a1 = b[1] & 0xff;
      return a0 == 127 || a0 == 10 || a0 == 172 && (a1 & 0xf0) == 16 || a0 == 192 && a1 == 168;
    }
    boolean loopback = true;
    for (int i = 0; i < 15; i++) {
      loopback &= b[i] == 0;
    }
    return loopback && b[15] == 1 || (b[0] & 0xfe) == 0xfc;
  }
}
