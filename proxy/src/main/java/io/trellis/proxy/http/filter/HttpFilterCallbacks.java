package io.trellis.proxy.http.filter;

import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.trellis.proxy.http.ConnectionInfo;
import io.trellis.proxy.http.ResponseFlag;
import io.trellis.proxy.http.StreamInfo;
import io.trellis.proxy.router.SelectedRoute;
import java.time.Duration;

/** What the chain offers each filter of one request. */
public interface HttpFilterCallbacks {

  /** The route for the request as it is now (computed once and cached), or {@code null} (no route). */
  SelectedRoute route();

  /** Forgets the cached route, after a filter changed what routing reads (headers, path). */
  void clearRouteCache();

  StreamInfo streamInfo();

  ConnectionInfo connection();

  EventLoop eventLoop();

  /** The connection manager's stream idle timeout (a route may override it). */
  Duration streamIdleTimeout();

  /** Overrides the stream idle timeout for this request (a route's {@code idle_timeout}); zero disables it. */
  void setStreamIdleTimeout(Duration timeout);

  /** Resumes request iteration after this filter returned STOP_ITERATION. */
  void continueDecoding();

  /** Resumes response iteration after this filter returned STOP_ITERATION. */
  void continueEncoding();

  /**
   * Answers the request from here: the response passes through the encode side of the filters before
   * this one. Request parts not yet consumed are dropped. Ignored when a response has already started.
   */
  void sendLocalReply(int status, String body, ResponseFlag flag, String details);

  /**
   * As {@link #sendLocalReply}, naming the gRPC status a gRPC client gets (a non-gRPC client gets
   * {@code status}).
   */
  void sendGrpcLocalReply(int status, int grpcStatus, String message, ResponseFlag flag, String details);

  /** Whether a response has been started (headers sent on). */
  boolean responseStarted();

  /** Starts the response (used by the terminal filter, the router): passes through the encode filters. */
  void encodeHeaders(HttpResponse response, boolean endStream);

  void encodeData(HttpContent data, boolean endStream);

  void encodeTrailers(HttpHeaders trailers);

  /** Whether the downstream can take more response data now. */
  boolean downstreamWritable();

  /** Stops reading request parts from the downstream until {@link #resumeRequestReading()}. */
  void pauseRequestReading();

  void resumeRequestReading();

  /** Ends the stream abruptly (after a response started, a local reply is no longer possible). */
  void resetStream(ResponseFlag flag, String details);

  /** Hands the downstream connection to a tunnel (HTTP/1.1 upgrades and CONNECT); see {@code DownstreamStream}. */
  io.netty.channel.Channel detachDownstreamForTunnel();
}
