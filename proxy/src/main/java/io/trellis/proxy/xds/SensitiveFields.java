package io.trellis.proxy.xds;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Replaces private key material with {@code [redacted]} anywhere in a configuration proto before it is
 * shown ({@code /config_dump}), as Envoy does for its sensitive fields: a {@code TlsCertificate}'s inline
 * {@code private_key}, {@code password} and {@code pkcs12}, whether in a bootstrap's static secrets, an
 * SDS secret, or a listener's or cluster's TLS context inside {@code typed_config}. File names stay.
 */
public final class SensitiveFields {
  static final String REDACTED = "[redacted]";

  /** The {@code Any} types that can hold a TlsCertificate, unpacked to be searched. */
  private static final Map<String, Message> SEARCHED = Map.ofEntries(
      entry(io.envoyproxy.envoy.admin.v3.BootstrapConfigDump.getDefaultInstance()),
      entry(io.envoyproxy.envoy.admin.v3.ClustersConfigDump.getDefaultInstance()),
      entry(io.envoyproxy.envoy.admin.v3.ListenersConfigDump.getDefaultInstance()),
      entry(io.envoyproxy.envoy.admin.v3.SecretsConfigDump.getDefaultInstance()),
      entry(io.envoyproxy.envoy.config.listener.v3.Listener.getDefaultInstance()),
      entry(io.envoyproxy.envoy.config.cluster.v3.Cluster.getDefaultInstance()),
      entry(io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret.getDefaultInstance()),
      entry(io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext.getDefaultInstance()),
      entry(io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext.getDefaultInstance()));

  private SensitiveFields() {}

  private static Map.Entry<String, Message> entry(Message prototype) {
    return Map.entry("type.googleapis.com/" + prototype.getDescriptorForType().getFullName(), prototype);
  }

  /** {@code message} with every private key it holds (however deeply) redacted. */
  @SuppressWarnings("unchecked")
  public static <M extends Message> M redact(M message) {
    return (M) redactMessage(message);
  }

  private static Message redactMessage(Message message) {
    if (message instanceof Any any) {
      return redactAny(any);
    }
    if (message instanceof TlsCertificate certificate) {
      return redactCertificate(certificate);
    }
    Message.Builder builder = null;
    for (Map.Entry<FieldDescriptor, Object> field : message.getAllFields().entrySet()) {
      FieldDescriptor fd = field.getKey();
      if (fd.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
        continue;
      }
      if (fd.isRepeated() && !fd.isMapField()) {
        List<?> values = (List<?>) field.getValue();
        List<Object> redacted = new ArrayList<>(values.size());
        boolean changed = false;
        for (Object v : values) {
          Message r = redactMessage((Message) v);
          changed |= r != v;
          redacted.add(r);
        }
        if (changed) {
          builder = builder == null ? message.toBuilder() : builder;
          builder.clearField(fd);
          for (Object r : redacted) {
            builder.addRepeatedField(fd, r);
          }
        }
      } else if (!fd.isRepeated()) {
        Message v = (Message) field.getValue();
        Message r = redactMessage(v);
        if (r != v) {
          builder = builder == null ? message.toBuilder() : builder;
          builder.setField(fd, r);
        }
      }
    }
    return builder == null ? message : builder.build();
  }

  private static Message redactAny(Any any) {
    Message prototype = SEARCHED.get(any.getTypeUrl());
    if (prototype == null) {
      return any;
    }
    try {
      Message unpacked = prototype.getParserForType().parseFrom(any.getValue());
      Message redacted = redactMessage(unpacked);
      return redacted == unpacked ? any : Any.newBuilder().setTypeUrl(any.getTypeUrl()).setValue(redacted.toByteString()).build();
    } catch (InvalidProtocolBufferException e) {
      // Accepted configuration always decodes; something that does not is shown as nothing at all.
      return Any.getDefaultInstance();
    }
  }

  private static TlsCertificate redactCertificate(TlsCertificate c) {
    TlsCertificate.Builder b = c.toBuilder();
    if (c.hasPrivateKey()) {
      b.setPrivateKey(redact(c.getPrivateKey()));
    }
    if (c.hasPassword()) {
      b.setPassword(redact(c.getPassword()));
    }
    if (c.hasPkcs12()) {
      b.setPkcs12(redact(c.getPkcs12()));
    }
    TlsCertificate out = b.build();
    return out.equals(c) ? c : out;
  }

  private static DataSource redact(DataSource d) {
    return switch (d.getSpecifierCase()) {
      case INLINE_STRING -> d.toBuilder().setInlineString(REDACTED).build();
      case INLINE_BYTES -> d.toBuilder().setInlineBytes(ByteString.copyFrom(REDACTED, StandardCharsets.US_ASCII)).build();
      default -> d;
    };
  }
}
