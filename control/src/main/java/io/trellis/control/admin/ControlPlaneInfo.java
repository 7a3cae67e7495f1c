package io.trellis.control.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;

/**
 * What a running control plane writes to {@code control-plane.json} in its state directory so that
 * {@code trellis apply}, {@code delete}, {@code proxy-status} and {@code proxy-config} find it
 * without flags.
 *
 * @param pid the control plane's process id (a file naming a dead process is stale)
 * @param host the address its API and monitoring listeners are bound to
 * @param apiPort the apply/delete/status API (HTTP, bearer token)
 * @param xdsHost the address the xDS server is bound to
 * @param xdsPort ADS (gRPC)
 * @param monitoringPort Prometheus metrics, or 0 when disabled
 * @param tokenFile the file holding the API's bearer token (mode 0600)
 */
public record ControlPlaneInfo(
    long pid, String host, int apiPort, String xdsHost, int xdsPort, int monitoringPort, Path tokenFile) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public String toJson() {
    ObjectNode o = JSON.createObjectNode();
    o.put("pid", pid);
    o.put("host", host);
    o.put("apiPort", apiPort);
    o.put("xdsHost", xdsHost);
    o.put("xdsPort", xdsPort);
    o.put("monitoringPort", monitoringPort);
    o.put("tokenFile", tokenFile.toString());
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(o) + "\n";
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Parses the file's content; {@code source} names it in errors. */
  public static ControlPlaneInfo parse(String json, String source) throws IOException {
    JsonNode o;
    try {
      o = JSON.readTree(json);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IOException(source + ": not valid JSON: " + e.getOriginalMessage(), e);
    }
    for (String field : new String[] {"pid", "host", "apiPort", "xdsPort", "tokenFile"}) {
      if (o == null || !o.hasNonNull(field)) {
        throw new IOException(source + ": field \"" + field + "\" is missing");
      }
    }
    return new ControlPlaneInfo(
        o.get("pid").asLong(),
        o.get("host").asText(),
        o.get("apiPort").asInt(),
        o.path("xdsHost").asText(o.get("host").asText()),
        o.get("xdsPort").asInt(),
        o.path("monitoringPort").asInt(0),
        Path.of(o.get("tokenFile").asText()));
  }
}
