package io.trellis.bench.micro;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.util.ReferenceCountUtil;
import io.trellis.proxy.http.h1.RequestHeadScreen;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Parsing one HTTP/1.1 request head the way the proxy's downstream pipeline does: the proxy's
 * {@link RequestHeadScreen} (what RFC 9112 forbids and Netty tolerates) in front of Netty's request
 * decoder with the settings {@code Http1ServerConnection.install} gives its codec (strict line
 * parsing, validated headers, 60 KiB limits, Envoy's default). The decoder alone, not the whole
 * server codec: the codec also queues each request for its response, which a parsing benchmark
 * never writes. The head is a sidecar-to-sidecar GET with the headers
 * an Istio mesh adds (tracing, forwarded, request id, peer metadata): 16 headers, about 900 bytes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HeaderParsingBenchmark {

  static final String HEAD =
      "GET /api/v1/products/42/reviews?limit=10&sort=recent HTTP/1.1\r\n"
          + "host: reviews.default.svc.cluster.local:9080\r\n"
          + "user-agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)\r\n"
          + "accept: application/json, text/plain, */*\r\n"
          + "accept-encoding: gzip, deflate, br\r\n"
          + "accept-language: en-US,en;q=0.9\r\n"
          + "cookie: session=5f2b9c0e4d7a4b6c8e1f3a2d; user=jason\r\n"
          + "x-request-id: 2b8e4f1c-9d3a-4e7b-8c6f-1a2b3c4d5e6f\r\n"
          + "x-forwarded-for: 10.1.2.3\r\n"
          + "x-forwarded-proto: http\r\n"
          + "x-b3-traceid: 80f198ee56343ba864fe8b2a57d3eff7\r\n"
          + "x-b3-spanid: e457b5a2e4d86bd1\r\n"
          + "x-b3-parentspanid: 05e3ac9a4f6e3b90\r\n"
          + "x-b3-sampled: 1\r\n"
          + "traceparent: 00-80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-01\r\n"
          + "x-envoy-attempt-count: 1\r\n"
          + "x-forwarded-client-cert: By=spiffe://cluster.local/ns/default/sa/bookinfo-reviews;URI=spiffe://cluster.local/ns/default/sa/bookinfo-productpage\r\n"
          + "\r\n";

  private final byte[] head = HEAD.getBytes(StandardCharsets.US_ASCII);
  private EmbeddedChannel channel;

  @Setup
  public void pipeline() {
    int limit = 60 * 1024;
    channel =
        new EmbeddedChannel(
            new RequestHeadScreen(),
            new HttpRequestDecoder(
                new HttpDecoderConfig()
                    .setMaxInitialLineLength(limit)
                    .setMaxHeaderSize(limit)
                    .setMaxChunkSize(64 * 1024)
                    .setStrictLineParsing(true)
                    .setAllowDuplicateContentLengths(false)
                    .setValidateHeaders(true)));
  }

  @TearDown
  public void close() {
    channel.finishAndReleaseAll();
  }

  /** Decodes one head; returns the decoded request (its empty last content released). */
  @Benchmark
  public HttpRequest parse() {
    ByteBuf in = Unpooled.wrappedBuffer(head);
    channel.writeInbound(in);
    HttpRequest request = null;
    Object msg;
    while ((msg = channel.readInbound()) != null) {
      if (msg instanceof HttpRequest r) {
        request = r;
      }
      ReferenceCountUtil.release(msg);
    }
    return request;
  }
}
