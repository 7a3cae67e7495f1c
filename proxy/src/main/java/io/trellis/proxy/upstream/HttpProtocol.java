package io.trellis.proxy.upstream;

/** The HTTP protocol of one side of a proxied request. */
public enum HttpProtocol {
  HTTP_1_1,
  HTTP_2
}
