package io.trellis.bench.peer;

/** Where the nginx origin listens: HTTP/1.1 and h2c (prior knowledge) on separate ports. */
public record BackendPorts(int http1, int h2c) {}
