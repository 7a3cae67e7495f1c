package io.trellis.proxy.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.trellis.proxy.config.cluster.HealthCheck;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a gRPC health answer is judged, with messages made by grpc-java's own generated classes. */
class GrpcHealthExchangeTest {
  private final GrpcHealthExchange exchange = new GrpcHealthExchange(HealthCheck.Grpc.service("shop.Cart"), "cart");

  private static byte[] framed(HealthCheckResponse r) {
    byte[] m = r.toByteArray();
    byte[] out = new byte[5 + m.length];
    out[4] = (byte) m.length;
    System.arraycopy(m, 0, out, 5, m.length);
    return out;
  }

  private static Http2Headers ok() {
    return new DefaultHttp2Headers().status("200").set("content-type", "application/grpc");
  }

  private static Http2Headers trailers(String status) {
    return new DefaultHttp2Headers().set("grpc-status", status);
  }

  @Test
  void theRequestIsAHealthCheckRequestGrpcJavaReads() throws Exception {
    ByteBuf body = exchange.requestBody(UnpooledByteBufAllocator.DEFAULT);
    try {
      assertThat(body.getByte(0)).isZero(); // not compressed
      assertThat(body.getInt(1)).isEqualTo(body.readableBytes() - 5);
      byte[] m = new byte[body.readableBytes() - 5];
      body.getBytes(5, m);
      assertThat(HealthCheckRequest.parseFrom(m).getService()).isEqualTo("shop.Cart");
    } finally {
      body.release();
    }
    Http2Headers h = exchange.requestHeaders();
    assertThat(h.path().toString()).isEqualTo("/grpc.health.v1.Health/Check");
    assertThat(h.authority().toString()).isEqualTo("cart");
    assertThat(h.get("te").toString()).isEqualTo("trailers");
    ByteBuf empty = new GrpcHealthExchange(HealthCheck.Grpc.service(""), "x").requestBody(UnpooledByteBufAllocator.DEFAULT);
    assertThat(empty.readableBytes()).isEqualTo(5);
    empty.release();
  }

  @Test
  void onlyServingWithStatusOkPasses() {
    byte[] serving = framed(HealthCheckResponse.newBuilder().setStatus(ServingStatus.SERVING).build());
    assertThat(exchange.judge(ok(), serving, trailers("0"))).isEqualTo(ProbeOutcome.PASS);
    for (ServingStatus s : new ServingStatus[] {ServingStatus.NOT_SERVING, ServingStatus.UNKNOWN, ServingStatus.SERVICE_UNKNOWN}) {
      assertThat(exchange.judge(ok(), framed(HealthCheckResponse.newBuilder().setStatus(s).build()), trailers("0")))
          .as(s.name()).isEqualTo(ProbeOutcome.FAIL_ACTIVE);
    }
    // an error status, in trailers or trailers-only
    assertThat(exchange.judge(ok(), serving, trailers("14"))).isEqualTo(ProbeOutcome.FAIL_ACTIVE);
    assertThat(exchange.judge(ok().set("grpc-status", "5"), new byte[0], null)).isEqualTo(ProbeOutcome.FAIL_ACTIVE);
    // not gRPC, not 200, no trailers, a compressed or cut message
    assertThat(exchange.judge(new DefaultHttp2Headers().status("200").set("content-type", "text/plain"), serving, trailers("0")))
        .isEqualTo(ProbeOutcome.FAIL_ACTIVE);
    assertThat(exchange.judge(new DefaultHttp2Headers().status("503").set("content-type", "application/grpc"), serving,
        trailers("0"))).isEqualTo(ProbeOutcome.FAIL_ACTIVE);
    assertThat(exchange.judge(ok(), serving, null)).isEqualTo(ProbeOutcome.FAIL_ACTIVE);
    byte[] compressed = serving.clone();
    compressed[0] = 1;
    assertThat(exchange.judge(ok(), compressed, trailers("0"))).isEqualTo(ProbeOutcome.FAIL_ACTIVE);
    assertThat(exchange.judge(ok(), java.util.Arrays.copyOf(serving, serving.length - 1), trailers("0")))
        .isEqualTo(ProbeOutcome.FAIL_ACTIVE);
    assertThat(exchange.judge(ok(), null, trailers("0"))).isEqualTo(ProbeOutcome.FAIL_ACTIVE); // over the body limit
  }

  @Test
  void metadataAndAuthorityAreSent() {
    Http2Headers h = new GrpcHealthExchange(new HealthCheck.Grpc("", "svc.local", Map.of("x-probe", "1")), "cart")
        .requestHeaders();
    assertThat(h.authority().toString()).isEqualTo("svc.local");
    assertThat(h.get("x-probe").toString()).isEqualTo("1");
    assertThat(h.get("content-type").toString()).isEqualTo("application/grpc");
  }
}
