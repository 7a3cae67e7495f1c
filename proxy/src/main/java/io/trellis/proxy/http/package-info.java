/**
 * The HTTP connection manager: one downstream connection's codec (HTTP/1.1 in {@code h1}, HTTP/2 in
 * {@code h2}, chosen by {@code codec_type} or by the HTTP/2 preface), and per request an
 * {@link io.trellis.proxy.http.ActiveStream} that prepares headers as Envoy does (x-forwarded-*,
 * x-request-id, x-envoy-* trust, path normalization), runs the HTTP filter chain ending in the router,
 * and records a {@link io.trellis.proxy.http.StreamInfo} with response flags for stats and access logs.
 * Both codecs present requests as Netty {@code HttpObject}s so that everything past the codec is
 * written once.
 */
package io.trellis.proxy.http;
