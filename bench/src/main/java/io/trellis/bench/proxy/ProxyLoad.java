package io.trellis.bench.proxy;

import io.trellis.bench.peer.Paths;

/** The loads of {@code bench proxy}, in the order they run against each target. */
public enum ProxyLoad {
  /** (a) wrk, closed loop, HTTP/1.1 keep-alive, 64 connections, empty body. */
  MAX_H1_0B("max-h1-0b", Paths.EMPTY),
  /** (a) the same with 1 KiB responses. */
  MAX_H1_1KB("max-h1-1kb", Paths.ONE_KB),
  /** (b) h2load, 1000 requests/s over 10 connections, 1 KiB responses. */
  RATE_1000("rate-1000-1kb", Paths.ONE_KB),
  /** (b) h2load, 5000 requests/s over 50 connections, 1 KiB responses. */
  RATE_5000("rate-5000-1kb", Paths.ONE_KB),
  /** (c) h2load over h2c, 1 connection, 100 concurrent streams, 1 KiB responses. */
  H2C_100_STREAMS("h2c-m100-1kb", Paths.ONE_KB),
  /** (d) h2load, HTTP/1.1, 4 connections, each request a 1 MiB POST answered with 1 MiB. */
  POST_1MB("post-1mb-1mb", Paths.ONE_MB);

  private final String label;
  private final String path;

  ProxyLoad(String label, String path) {
    this.label = label;
    this.path = path;
  }

  public String label() {
    return label;
  }

  public String path() {
    return path;
  }

  /** True for the closed-loop throughput loads, during which the proxy's core should be saturated. */
  public boolean maxThroughput() {
    return this == MAX_H1_0B || this == MAX_H1_1KB;
  }
}
