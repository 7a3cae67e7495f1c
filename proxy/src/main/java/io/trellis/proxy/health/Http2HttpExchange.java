package io.trellis.proxy.health;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.trellis.proxy.config.cluster.HealthCheck;

/**
 * An HTTP health check over HTTP/2 ({@code codec_client_type: HTTP2}): {@code GET path}, judged by
 * the status as its HTTP/1.1 twin is; the body is dropped.
 */
public final class Http2HttpExchange implements Http2HealthProbe.Exchange {
  private final HealthCheck.Http config;
  private final String authority;

  /** @param defaultAuthority the {@code :authority} when the check names no host (Envoy uses the cluster's name) */
  public Http2HttpExchange(HealthCheck.Http config, String defaultAuthority) {
    this.config = config;
    this.authority = config.host().isEmpty() ? defaultAuthority : config.host();
  }

  @Override
  public Http2Headers requestHeaders() {
    Http2Headers h = new DefaultHttp2Headers().method("GET").scheme("http").authority(authority).path(config.path())
        .set("user-agent", "Envoy/HC");
    config.requestHeaders().forEach((k, v) -> h.set(k.toLowerCase(java.util.Locale.ROOT), v));
    return h;
  }

  @Override
  public ByteBuf requestBody(ByteBufAllocator alloc) {
    return null;
  }

  @Override
  public boolean wantsBody() {
    return false;
  }

  @Override
  public ProbeOutcome judge(Http2Headers headers, byte[] body, Http2Headers trailers) {
    int status;
    try {
      status = Integer.parseInt(String.valueOf(headers.status()));
    } catch (NumberFormatException e) {
      return ProbeOutcome.FAIL_ACTIVE;
    }
    return config.expected(status) ? ProbeOutcome.PASS
        : config.retriable(status) ? ProbeOutcome.FAIL_NETWORK : ProbeOutcome.FAIL_ACTIVE;
  }
}
