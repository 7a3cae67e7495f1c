package io.trellis.proxy.config.listener;

/** The part of Envoy's {@code Http2ProtocolOptions} Trellis implements, with Envoy's defaults and bounds. */
public record Http2Options(long maxConcurrentStreams, int initialStreamWindowSize, int initialConnectionWindowSize) {

  public static final long DEFAULT_MAX_CONCURRENT_STREAMS = 2147483647L;
  public static final int DEFAULT_WINDOW = 268435456;
  public static final Http2Options DEFAULTS =
      new Http2Options(DEFAULT_MAX_CONCURRENT_STREAMS, DEFAULT_WINDOW, DEFAULT_WINDOW);

  public Http2Options {
    Check.range("http2_protocol_options.max_concurrent_streams", maxConcurrentStreams, 1, 2147483647L);
    Check.range("http2_protocol_options.initial_stream_window_size", initialStreamWindowSize, 65535, 2147483647L);
    Check.range("http2_protocol_options.initial_connection_window_size", initialConnectionWindowSize, 65535, 2147483647L);
  }
}
