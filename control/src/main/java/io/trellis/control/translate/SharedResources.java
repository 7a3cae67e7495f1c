package io.trellis.control.translate;

import com.google.protobuf.Message;
import io.trellis.control.model.PushContext;
import io.trellis.control.xds.XdsResources;

/**
 * Turns generated messages into wire resources once per push context. The cluster and endpoint
 * messages a push context memoizes are the same instances for every proxy shape; serializing and
 * hashing them per shape was most of a push's generation time (ten namespaces: ten times every
 * cluster). Keyed by message identity, so a message built per shape simply gets its own entry.
 */
final class SharedResources {
  private SharedResources() {}

  /** A factory for {@link XdsResources#builder(XdsResources.ResourceFactory)} backed by {@code ctx}'s memo. */
  static XdsResources.ResourceFactory of(PushContext ctx) {
    return (typeUrl, name, message) ->
        ctx.memo(new SameMessage(typeUrl, name, message), () -> XdsResources.Resource.of(typeUrl, name, message));
  }

  /**
   * A memo key equal only for the very same message instance (with its type and name). Its value
   * is a pure function of that instance, so it holds in any later push context that still uses the
   * instance (a cluster taken over from the previous context keeps its serialized form too).
   */
  private static final class SameMessage implements io.trellis.control.model.InheritableKey {
    private final String typeUrl;
    private final String name;
    private final Message message;

    SameMessage(String typeUrl, String name, Message message) {
      this.typeUrl = typeUrl;
      this.name = name;
      this.message = message;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof SameMessage m && m.message == message && m.name.equals(name) && m.typeUrl.equals(typeUrl);
    }

    @Override
    public boolean survives(io.trellis.control.model.ConfigChanges changes) {
      return true;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(message) * 31 + name.hashCode();
    }
  }
}
