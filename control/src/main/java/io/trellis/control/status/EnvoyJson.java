package io.trellis.control.status;

import com.google.protobuf.Any;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.TypeRegistry;
import com.google.protobuf.util.JsonFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Envoy resources as Envoy prints them in a config dump: proto3 JSON, with every embedded {@code
 * Any} (filters, transport sockets, …) expanded under its {@code @type}.
 *
 * <p>JSON printing needs a type registry holding every message an {@code Any} carries. Rather than
 * listing Envoy's hundreds of extension types, the registry is built from the message itself: each
 * {@code Any} is resolved to its generated class — Envoy's Java package is {@code io.envoyproxy.}
 * plus the proto package, and the xDS/udpa protos live under {@code com.github.} — and walked in
 * turn, since extensions nest.
 */
public final class EnvoyJson {
  private static final List<String> JAVA_PREFIXES = List.of("io.envoyproxy.", "com.github.", "");

  private EnvoyJson() {}

  /** One message as indented JSON. */
  public static String print(Message message) {
    TypeRegistry.Builder types = TypeRegistry.newBuilder();
    collect(message, types, new HashSet<>());
    try {
      return JsonFormat.printer().usingTypeRegistry(types.build()).print(message);
    } catch (InvalidProtocolBufferException e) {
      // Only an Any whose type is not on the classpath gets here.
      throw new IllegalStateException("cannot print " + message.getDescriptorForType().getFullName() + " as JSON: " + e.getMessage(), e);
    }
  }

  /** Several messages as a JSON array, in order. */
  public static String printArray(List<? extends Message> messages) {
    StringBuilder out = new StringBuilder("[");
    for (int i = 0; i < messages.size(); i++) {
      out.append(i == 0 ? "\n" : ",\n").append(print(messages.get(i)).indent(2).stripTrailing());
    }
    return out.append(messages.isEmpty() ? "]" : "\n]").toString();
  }

  private static void collect(Message message, TypeRegistry.Builder types, Set<String> seen) {
    if (message instanceof Any any) {
      Message inner = unpack(any);
      if (inner != null) {
        if (seen.add(any.getTypeUrl())) {
          types.add(inner.getDescriptorForType());
        }
        collect(inner, types, seen);
      }
      return;
    }
    for (Map.Entry<FieldDescriptor, Object> field : message.getAllFields().entrySet()) {
      if (field.getKey().getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
        continue;
      }
      if (field.getKey().isRepeated()) {
        for (Object item : (List<?>) field.getValue()) {
          collect((Message) item, types, seen);
        }
      } else {
        collect((Message) field.getValue(), types, seen);
      }
    }
  }

  private static Message unpack(Any any) {
    String fullName = any.getTypeUrl().substring(any.getTypeUrl().lastIndexOf('/') + 1);
    for (String prefix : JAVA_PREFIXES) {
      try {
        Class<?> c = Class.forName(prefix + fullName);
        if (Message.class.isAssignableFrom(c)) {
          @SuppressWarnings("unchecked")
          Class<? extends Message> type = (Class<? extends Message>) c;
          return any.unpack(type);
        }
      } catch (ClassNotFoundException | InvalidProtocolBufferException notThisOne) {
        // try the next naming convention
      }
    }
    return null;
  }
}
