package io.trellis.proxy.bootstrap;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.trellis.proxy.xds.EnvoyTypes;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Loads Envoy's bootstrap. YAML is first copied token by token into JSON text (JSON is YAML, so one
 * path serves both) and then parsed by protobuf's JSON parser, which knows Envoy's field names and
 * {@code typed_config} types; unknown fields are errors, as they are in Envoy. The copy uses Jackson's
 * streaming parser and generator only, not its data binding: the proxy needs no JSON tree here, and
 * data binding's few hundred classes would be loaded (and kept, as class metadata in every proxy's
 * memory) for this one conversion.
 */
public final class BootstrapLoader {
  private static final YAMLFactory YAML = new YAMLFactory();
  private static final JsonFactory JSON = new JsonFactory();

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
    // Parsed into a DynamicMessage, which protobuf's JSON parser fills through descriptors, then
    // re-read by the generated parser. Filling the generated builder directly would go through its
    // reflective field accessors: protobuf builds them per message type on first use by looking up
    // every accessor method by name, which loads each type's builder and the classes of all its
    // fields, used or not (about 1,000 classes and 13,000 Method objects for a small bootstrap).
    DynamicMessage.Builder parsed = DynamicMessage.newBuilder(Bootstrap.getDescriptor());
    try {
      EnvoyTypes.jsonParser().merge(toJson(source, text), parsed);
    } catch (InvalidProtocolBufferException e) {
      throw new BootstrapException(source, "not a valid envoy.config.bootstrap.v3.Bootstrap: " + e.getMessage(), e);
    }
    Bootstrap bootstrap;
    try {
      bootstrap = Bootstrap.parseFrom(parsed.build().toByteString());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("a Bootstrap built from its own descriptor does not re-read: " + e.getMessage(), e);
    }
    return validated(source, bootstrap);
  }

  /** The first YAML (or JSON) document of {@code text} as JSON text; it must be a mapping. */
  private static String toJson(String source, String text) throws BootstrapException {
    StringWriter json = new StringWriter(text.length() + 16);
    try (JsonParser in = YAML.createParser(text);
        JsonGenerator out = JSON.createGenerator(json)) {
      JsonToken first = in.nextToken();
      if (first == null || first == JsonToken.VALUE_NULL) {
        throw new BootstrapException(source, List.of("empty bootstrap"));
      }
      if (first != JsonToken.START_OBJECT) {
        throw new BootstrapException(source, List.of("expected a mapping at the top level, got " + kind(first)));
      }
      out.copyCurrentStructure(in);
    } catch (JacksonException e) {
      String where = e.getLocation() == null ? "" : "line " + e.getLocation().getLineNr() + ": ";
      throw new BootstrapException(source, where + "not YAML or JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new BootstrapException(source, "cannot convert to JSON: " + e.getMessage(), e);
    }
    return json.toString();
  }

  /** What a top-level value that is not a mapping is, in the words of a JSON tree's node types. */
  private static String kind(JsonToken token) {
    return switch (token) {
      case START_ARRAY -> "ARRAY";
      case VALUE_STRING -> "STRING";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "NUMBER";
      case VALUE_TRUE, VALUE_FALSE -> "BOOLEAN";
      default -> token.name();
    };
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
