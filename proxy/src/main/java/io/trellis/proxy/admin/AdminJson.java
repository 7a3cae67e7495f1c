package io.trellis.proxy.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * {@code /clusters?format=json} and {@code /listeners?format=json}, shaped like Envoy's. Kept out of
 * {@link AdminServer} so that Jackson's data binding (a few hundred classes, whose metadata stays in
 * the proxy's memory once loaded) is loaded only when someone asks for this output, not by every
 * proxy that starts an admin server.
 */
final class AdminJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private AdminJson() {}

  static String clusters(List<ClusterStatus> clusters) throws JsonProcessingException {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode statuses = root.putArray("cluster_statuses");
    for (ClusterStatus c : clusters) {
      ObjectNode node = statuses.addObject();
      node.put("name", c.name());
      node.put("added_via_api", c.addedViaApi());
      ArrayNode hosts = node.putArray("host_statuses");
      for (ClusterStatus.HostStatus h : c.hosts()) {
        ObjectNode host = hosts.addObject();
        socketAddress(host, "address", h.address());
        ObjectNode health = host.putObject("health_status");
        health.put("eds_health_status", h.healthy() ? "HEALTHY" : "UNHEALTHY");
        host.put("weight", h.weight());
        ArrayNode hostStats = host.putArray("stats");
        h.counters().forEach((name, value) -> hostStats.addObject().put("name", name).put("value", value));
        if (!h.zone().isEmpty()) {
          host.putObject("locality").put("zone", h.zone());
        }
      }
    }
    return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
  }

  static String listeners(List<ListenerStatus> listeners) throws JsonProcessingException {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode statuses = root.putArray("listener_statuses");
    for (ListenerStatus l : listeners) {
      ObjectNode node = statuses.addObject();
      node.put("name", l.name());
      socketAddress(node, "local_address", l.address());
    }
    return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
  }

  /** {@code field: {socket_address: {address, port_value}}} from {@code host:port}. */
  private static void socketAddress(ObjectNode parent, String field, String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    parent.putObject(field)
        .putObject("socket_address")
        .put("address", hostPort.substring(0, colon))
        .put("port_value", Integer.parseInt(hostPort.substring(colon + 1)));
  }
}
