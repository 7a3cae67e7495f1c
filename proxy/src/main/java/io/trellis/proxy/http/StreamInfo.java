package io.trellis.proxy.http;

import io.trellis.proxy.upstream.HttpProtocol;
import java.net.InetSocketAddress;

/**
 * The record of one request, filled in as it proceeds and read by stats and access logs when it
 * ends. Confined to the stream's event loop, so it is a plain mutable object.
 */
public final class StreamInfo {
  private final long startMillis;
  private final long startNanos;
  private final HttpProtocol protocol;
  private final ConnectionInfo connection;
  private int responseCode;
  private int flags;
  private String responseCodeDetails = "";
  private String routeName = "";
  private String upstreamCluster = "";
  private InetSocketAddress upstreamHost;
  private String requestId = "";
  private long bytesReceived;
  private long bytesSent;
  private long endNanos;

  public StreamInfo(long startMillis, long startNanos, HttpProtocol protocol, ConnectionInfo connection) {
    this.startMillis = startMillis;
    this.startNanos = startNanos;
    this.protocol = protocol;
    this.connection = connection;
  }

  public void addFlag(ResponseFlag flag) {
    flags |= 1 << flag.ordinal();
  }

  public boolean hasFlag(ResponseFlag flag) {
    return (flags & (1 << flag.ordinal())) != 0;
  }

  public boolean hasAnyFlag() {
    return flags != 0;
  }

  /** The flags as Envoy's access log prints them: codes joined by commas, or "-" for none. */
  public String flagsString() {
    if (flags == 0) {
      return "-";
    }
    StringBuilder sb = new StringBuilder();
    for (ResponseFlag f : ResponseFlag.values()) {
      if (hasFlag(f)) {
        if (!sb.isEmpty()) {
          sb.append(',');
        }
        sb.append(f.code());
      }
    }
    return sb.toString();
  }

  public long startMillis() { return startMillis; }
  public long startNanos() { return startNanos; }
  public HttpProtocol protocol() { return protocol; }
  public ConnectionInfo connection() { return connection; }
  public int responseCode() { return responseCode; }
  public void responseCode(int code) { responseCode = code; }
  public String responseCodeDetails() { return responseCodeDetails; }
  public void responseCodeDetails(String details) { responseCodeDetails = details; }
  public String routeName() { return routeName; }
  public void routeName(String name) { routeName = name; }
  public String upstreamCluster() { return upstreamCluster; }
  public void upstreamCluster(String name) { upstreamCluster = name; }
  public InetSocketAddress upstreamHost() { return upstreamHost; }
  public void upstreamHost(InetSocketAddress host) { upstreamHost = host; }
  public String requestId() { return requestId; }
  public void requestId(String id) { requestId = id; }
  public long bytesReceived() { return bytesReceived; }
  public void addBytesReceived(long n) { bytesReceived += n; }
  public long bytesSent() { return bytesSent; }
  public void addBytesSent(long n) { bytesSent += n; }
  public long endNanos() { return endNanos; }
  public void endNanos(long n) { endNanos = n; }
}
