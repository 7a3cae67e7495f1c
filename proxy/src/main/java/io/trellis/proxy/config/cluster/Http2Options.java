package io.trellis.proxy.config.cluster;

/**
 * HTTP/2 settings this proxy announces to upstream servers (Envoy's {@code Http2ProtocolOptions}).
 *
 * @param maxConcurrentStreams {@code max_concurrent_streams}: streams this side opens per connection at
 *     most (the peer's SETTINGS_MAX_CONCURRENT_STREAMS lowers it further), default 2^31-1
 * @param initialStreamWindowSize {@code initial_stream_window_size}, default 256 MiB
 * @param initialConnectionWindowSize {@code initial_connection_window_size}, default 256 MiB
 */
public record Http2Options(int maxConcurrentStreams, int initialStreamWindowSize, int initialConnectionWindowSize) {
  public static final int DEFAULT_MAX_CONCURRENT_STREAMS = Integer.MAX_VALUE;
  public static final int DEFAULT_WINDOW_SIZE = 256 * 1024 * 1024;
  public static final int MIN_WINDOW_SIZE = 65535;
  public static final Http2Options DEFAULT =
      new Http2Options(DEFAULT_MAX_CONCURRENT_STREAMS, DEFAULT_WINDOW_SIZE, DEFAULT_WINDOW_SIZE);

  public Http2Options {
    if (maxConcurrentStreams < 1) {
      throw new IllegalArgumentException(
          "http2_protocol_options.max_concurrent_streams: " + maxConcurrentStreams + " (expected: 1..2147483647)");
    }
    if (initialStreamWindowSize < MIN_WINDOW_SIZE) {
      throw new IllegalArgumentException("http2_protocol_options.initial_stream_window_size: "
          + initialStreamWindowSize + " (expected: 65535..2147483647)");
    }
    if (initialConnectionWindowSize < MIN_WINDOW_SIZE) {
      throw new IllegalArgumentException("http2_protocol_options.initial_connection_window_size: "
          + initialConnectionWindowSize + " (expected: 65535..2147483647)");
    }
  }
}
