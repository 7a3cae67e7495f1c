package io.trellis.proxy.health;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.trellis.proxy.config.cluster.HealthCheck;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A gRPC health check ({@code grpc.health.v1.Health/Check}), as Envoy's gRPC health checker judges it:
 * the host passes only when the call answers HTTP 200 with a gRPC content type, ends with
 * {@code grpc-status: 0}, and its one message says {@code SERVING}. Anything else it answers fails the
 * host at once (an active failure); a reset or timeout is the probe's network failure.
 *
 * <p>The two messages are tiny and fixed ({@code HealthCheckRequest{string service = 1}},
 * {@code HealthCheckResponse{ServingStatus status = 1}}), so they are written and read with protobuf's
 * coded streams rather than generated classes the data plane does not otherwise need.
 */
public final class GrpcHealthExchange implements Http2HealthProbe.Exchange {
  static final String PATH = "/grpc.health.v1.Health/Check";
  /** {@code HealthCheckResponse.ServingStatus.SERVING}. */
  static final int SERVING = 1;
  /** Field 1 ({@code status}) as a varint: (1 << 3) | wire type 0. */
  private static final int STATUS_TAG = (1 << 3) | WireFormat.WIRETYPE_VARINT;

  private final String authority;
  private final byte[] message;
  private final java.util.Map<String, String> metadata;

  /** @param defaultAuthority the {@code :authority} when the check names none (Envoy uses the cluster's name) */
  public GrpcHealthExchange(HealthCheck.Grpc config, String defaultAuthority) {
    this.authority = config.authority().isEmpty() ? defaultAuthority : config.authority();
    this.message = request(config.serviceName());
    this.metadata = config.initialMetadata();
  }

  private static byte[] request(String service) {
    byte[] name = service.getBytes(StandardCharsets.UTF_8);
    int size = name.length == 0 ? 0 : CodedOutputStream.computeBytesSize(1, com.google.protobuf.ByteString.copyFrom(name));
    byte[] out = new byte[5 + size];
    // gRPC length-prefixed message: not compressed, 4-byte big-endian length
    out[1] = (byte) (size >>> 24);
    out[2] = (byte) (size >>> 16);
    out[3] = (byte) (size >>> 8);
    out[4] = (byte) size;
    if (size > 0) {
      CodedOutputStream o = CodedOutputStream.newInstance(out, 5, size);
      try {
        o.writeBytes(1, com.google.protobuf.ByteString.copyFrom(name));
        o.flush();
      } catch (IOException e) {
        throw new IllegalStateException("the array was sized for the message", e);
      }
    }
    return out;
  }

  @Override
  public Http2Headers requestHeaders() {
    Http2Headers h = new DefaultHttp2Headers();
    metadata.forEach(h::set);
    return h
        .method("POST")
        .scheme("http")
        .authority(authority)
        .path(PATH)
        .set("content-type", "application/grpc")
        .set("te", "trailers")
        .set("user-agent", "Envoy/HC");
  }

  @Override
  public ByteBuf requestBody(ByteBufAllocator alloc) {
    return alloc.buffer(message.length).writeBytes(message);
  }

  @Override
  public boolean wantsBody() {
    return true;
  }

  @Override
  public ProbeOutcome judge(Http2Headers headers, byte[] body, Http2Headers trailers) {
    if (!"200".contentEquals(headers.status())) {
      return ProbeOutcome.FAIL_ACTIVE;
    }
    CharSequence type = headers.get("content-type");
    if (type == null || !type.toString().startsWith("application/grpc")) {
      return ProbeOutcome.FAIL_ACTIVE;
    }
    // trailers-only: the status is in the headers, and there is no message
    Http2Headers end = trailers != null ? trailers : headers;
    CharSequence status = end.get("grpc-status");
    if (status == null || !"0".contentEquals(status) || body == null) {
      return ProbeOutcome.FAIL_ACTIVE;
    }
    return servingStatus(body) == SERVING ? ProbeOutcome.PASS : ProbeOutcome.FAIL_ACTIVE;
  }

  /** The {@code status} of the one uncompressed message in {@code body}; -1 when there is not exactly that. */
  static int servingStatus(byte[] body) {
    if (body.length < 5 || body[0] != 0) {
      return -1;
    }
    long length = ((body[1] & 0xFFL) << 24) | ((body[2] & 0xFF) << 16) | ((body[3] & 0xFF) << 8) | (body[4] & 0xFF);
    if (length != body.length - 5) {
      return -1;
    }
    try {
      CodedInputStream in = CodedInputStream.newInstance(body, 5, (int) length);
      int status = 0; // proto3: an absent enum is its zero value, UNKNOWN
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        if (tag == STATUS_TAG) {
          status = in.readEnum();
        } else if (!in.skipField(tag)) {
          break;
        }
      }
      return status;
    } catch (IOException e) {
      return -1; // not a HealthCheckResponse
    }
  }
}
