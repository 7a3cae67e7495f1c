package io.trellis.control.xds;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A state-of-the-world request whose {@code resource_names} are kept as their wire bytes until
 * someone needs them as strings.
 *
 * <p>Why: Envoy repeats its whole subscription in every request, ACKs included, so 2000 sidecars
 * subscribed to 3000 endpoint names send six million names per endpoint change — and decoding them
 * into strings, only to find the set unchanged, was the control plane's largest cost of such a
 * change. Comparing the bytes with the previous request's is a memory compare.
 *
 * @param request the request without its {@code resource_names}
 * @param names the {@code resource_names} fields exactly as they came on the wire (tags included)
 */
record SotwRequest(DiscoveryRequest request, ByteString names) {
  private static final int RESOURCE_NAMES = DiscoveryRequest.RESOURCE_NAMES_FIELD_NUMBER;

  SotwRequest {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(names, "names");
  }

  /** Splits a serialized request into the names' bytes and the rest, parsed. */
  static SotwRequest parse(byte[] data) throws InvalidProtocolBufferException {
    CodedInputStream in = CodedInputStream.newInstance(data);
    ByteString.Output names = ByteString.newOutput();
    ByteString.Output rest = ByteString.newOutput(data.length);
    try {
      while (true) {
        int start = in.getTotalBytesRead();
        int tag = in.readTag();
        if (tag == 0) {
          break;
        }
        if (!in.skipField(tag)) {
          break; // an end-group tag at the top level: let the full parser judge the rest
        }
        int end = in.getTotalBytesRead();
        boolean name =
            WireFormat.getTagFieldNumber(tag) == RESOURCE_NAMES
                && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED;
        (name ? names : rest).write(data, start, end - start);
      }
    } catch (InvalidProtocolBufferException e) {
      throw e;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new SotwRequest(DiscoveryRequest.parseFrom(rest.toByteString()), names.toByteString());
  }

  /** The subscribed names, decoded (and checked to be UTF-8, as the full parser would). */
  List<String> resourceNames() {
    List<String> out = new ArrayList<>();
    CodedInputStream in = names.newCodedInput();
    try {
      while (true) {
        int tag = in.readTag();
        if (tag == 0) {
          return out;
        }
        out.add(in.readStringRequireUtf8());
      }
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("resource_names: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The whole request, names included, as the generated class would have parsed it. */
  DiscoveryRequest toRequest() {
    return request.toBuilder().addAllResourceNames(resourceNames()).build();
  }

  /** gRPC marshaller that parses requests into {@link SotwRequest}s. */
  static final class Marshaller implements MethodDescriptor.Marshaller<SotwRequest> {
    @Override
    public InputStream stream(SotwRequest value) {
      return new ByteArrayInputStream(value.toRequest().toByteArray());
    }

    @Override
    public SotwRequest parse(InputStream stream) {
      try {
        return SotwRequest.parse(stream.readAllBytes());
      } catch (InvalidProtocolBufferException e) {
        throw io.grpc.Status.INTERNAL.withDescription("invalid DiscoveryRequest: " + e.getMessage()).withCause(e).asRuntimeException();
      } catch (IOException e) {
        throw io.grpc.Status.INTERNAL.withDescription("reading DiscoveryRequest: " + e.getMessage()).withCause(e).asRuntimeException();
      }
    }
  }
}
