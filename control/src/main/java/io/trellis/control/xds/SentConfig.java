package io.trellis.control.xds;

import com.google.protobuf.Message;
import java.util.List;
import java.util.Map;

/**
 * What the server last sent one proxy, per type URL (in push order), for {@code trellis
 * proxy-config}: the control plane's view, which matches the proxy's own once every type is SYNCED.
 *
 * @param node the proxy
 * @param streamId the stream it was sent on
 * @param resources type URL to the messages sent, sorted by resource name
 */
public record SentConfig(ProxyNode node, long streamId, Map<String, List<Message>> resources) {

  public List<Message> ofType(XdsType type) {
    return resources.getOrDefault(type.typeUrl(), List.of());
  }
}
