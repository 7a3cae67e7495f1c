package io.trellis.proxy.bootstrap;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.trellis.proxy.xds.EnvoyTypes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Loads Envoy's bootstrap. YAML is first read as a JSON tree (JSON is YAML, so one path serves both)
 * and then parsed by protobuf's JSON parser, which knows Envoy's field names and {@code typed_config}
 * types; unknown fields are errors, as they are in Envoy.
 */
public final class BootstrapLoader {
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final ObjectMapper JSON = new ObjectMapper();

  private BootstrapLoader() {}

  /** Reads, parses and validates {@code file}. */
  public static Bootstrap load(Path file) throws BootstrapException {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new BootstrapException(file.toString(), "cannot read: " + e.getMessage(), e);
    }
    return parse(file.toString(), text);
  }

  /** Parses and validates bootstrap text; {@code source} names it in errors. */
  public static Bootstrap parse(String source, String text) throws BootstrapException {
    JsonNode tree;
    try {
      tree = YAML.readTree(text);
    } catch (JacksonException e) {
      String where = e.getLocation() == null ? "" : "line " + e.getLocation().getLineNr() + ": ";
      throw new BootstrapException(source, where + "not YAML or JSON: " + e.getOriginalMessage(), e);
    }
    if (tree == null || tree.isMissingNode() || tree.isNull()) {
      throw new BootstrapException(source, List.of("empty bootstrap"));
    }
    if (!tree.isObject()) {
      throw new BootstrapException(source, List.of("expected a mapping at the top level, got " + tree.getNodeType()));
    }
    Bootstrap.Builder builder = Bootstrap.newBuilder();
    try {
      EnvoyTypes.jsonParser().merge(JSON.writeValueAsString(tree), builder);
    } catch (InvalidProtocolBufferException e) {
      throw new BootstrapException(source, "not a valid envoy.config.bootstrap.v3.Bootstrap: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new BootstrapException(source, "cannot convert to JSON: " + e.getMessage(), e);
    }
    return validated(source, builder.build());
  }

  /** Validates a bootstrap built in code (e.g. from command-line flags) as a file's would be. */
  public static Bootstrap validated(String source, Bootstrap bootstrap) throws BootstrapException {
    List<String> problems = BootstrapValidator.validate(bootstrap);
    if (!problems.isEmpty()) {
      throw new BootstrapException(source, problems);
    }
    return bootstrap;
  }
}
