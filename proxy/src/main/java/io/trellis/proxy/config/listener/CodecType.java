package io.trellis.proxy.config.listener;

/** Envoy's {@code HttpConnectionManager.codec_type}. AUTO detects the HTTP/2 preface (or ALPN h2). */
public enum CodecType {
  AUTO,
  HTTP1,
  HTTP2
}
