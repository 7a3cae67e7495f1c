package io.trellis.api.load;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.trellis.api.model.FieldPath;
import io.trellis.api.model.Location;
import io.trellis.api.model.SourceNode;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns YAML (several documents per file) or JSON (several values per file) into located {@link
 * SourceNode} trees. Jackson's streaming parser gives every token's line, so no second pass is
 * needed to find where a field was written.
 */
final class SourceReader {

  /** A parsed document and the problems found while reading it (duplicate keys). */
  record Document(SourceNode root, List<ReadIssue> issues) {}

  /** A problem found while reading, before any resource is known. */
  record ReadIssue(Location location, String path, String message) {}

  /** A syntax error that stops reading the rest of the file. */
  static final class SyntaxException extends Exception {
    private static final long serialVersionUID = 1L;
    final Location location;

    SyntaxException(Location location, String message) {
      super(message);
      this.location = location;
    }
  }

  private static final YAMLFactory YAML =
      YAMLFactory.builder().enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL).build();
  private static final JsonFactory JSON = JsonFactory.builder().build();

  private SourceReader() {}

  /**
   * Reads every document; documents parsed before a syntax error are returned in {@code out}
   * before the exception is thrown.
   */
  static void read(String fileName, Reader reader, boolean json, List<Document> out)
      throws IOException, SyntaxException {
    try (JsonParser parser = (json ? JSON : YAML).createParser(reader)) {
      JsonToken token;
      while (true) {
        try {
          token = parser.nextToken();
        } catch (JsonProcessingException e) {
          throw syntax(fileName, e);
        }
        if (token == null) {
          return;
        }
        List<ReadIssue> issues = new ArrayList<>();
        SourceNode root;
        try {
          root = new Builder(fileName, parser, issues).value(token, null, "");
        } catch (JsonProcessingException e) {
          throw syntax(fileName, e);
        }
        out.add(new Document(root, List.copyOf(issues)));
      }
    }
  }

  private static SyntaxException syntax(String fileName, JsonProcessingException e) {
    JsonLocation where = e.getLocation();
    int line = where == null ? 0 : Math.max(where.getLineNr(), 0);
    int column = where == null ? 0 : Math.max(where.getColumnNr(), 0);
    // snakeyaml's messages quote the source with a caret under it; keep only the sentences.
    List<String> sentences = new ArrayList<>();
    for (String part : e.getOriginalMessage().split("\n")) {
      if (!part.isBlank() && !part.startsWith(" ") && !part.startsWith("\t")) {
        sentences.add(part.strip());
      }
    }
    return new SyntaxException(new Location(fileName, line, column), String.join("; ", sentences));
  }

  private static final class Builder {
    private final String fileName;
    private final JsonParser parser;
    private final List<ReadIssue> issues;
    /** YAML anchors seen so far in this document ({@code &name}), for aliases ({@code *name}). */
    private final Map<String, SourceNode> anchors = new java.util.HashMap<>();

    Builder(String fileName, JsonParser parser, List<ReadIssue> issues) {
      this.fileName = fileName;
      this.parser = parser;
      this.issues = issues;
    }

    /** Builds the value and records it under its YAML anchor, if it has one. */
    SourceNode value(JsonToken token, Location keyLocation, String path) throws IOException {
      if (parser instanceof YAMLParser yaml) {
        if (token == JsonToken.VALUE_STRING && yaml.isCurrentAlias()) {
          SourceNode target = anchors.get(parser.getText());
          if (target != null) {
            return target;
          }
          issues.add(new ReadIssue(here(), path, "unknown YAML alias *" + parser.getText()));
          return new SourceNode.NullNode(keyLocation != null ? keyLocation : here());
        }
        Object anchor = yaml.getObjectId();
        if (anchor != null) {
          SourceNode node = build(token, keyLocation, path);
          anchors.put(anchor.toString(), node);
          return node;
        }
      }
      return build(token, keyLocation, path);
    }

    private Location here() {
      JsonLocation l = parser.currentTokenLocation();
      return new Location(fileName, l.getLineNr(), l.getColumnNr());
    }

    /** Builds the value whose first token is {@code token}; {@code keyLocation} is set for map values. */
    private SourceNode build(JsonToken token, Location keyLocation, String path) throws IOException {
      Location at = keyLocation != null ? keyLocation : here();
      switch (token) {
        case START_OBJECT -> {
          Map<String, SourceNode> fields = new LinkedHashMap<>();
          List<SourceNode> merges = new ArrayList<>();
          JsonToken t;
          while ((t = parser.nextToken()) == JsonToken.FIELD_NAME) {
            String key = parser.currentName();
            Location keyAt = here();
            String childPath = FieldPath.field(path, key);
            SourceNode child = value(parser.nextToken(), keyAt, childPath);
            if (key.equals("<<") && parser instanceof YAMLParser) {
              merges.add(child); // a YAML merge key: "<<: *defaults"
              continue;
            }
            if (fields.putIfAbsent(key, child) != null) {
              issues.add(new ReadIssue(keyAt, childPath, "duplicate field \"" + key + "\""));
            }
          }
          for (SourceNode merge : merges) {
            List<SourceNode> sources = merge instanceof SourceNode.ListNode list ? list.items() : List.of(merge);
            for (SourceNode source : sources) {
              if (source instanceof SourceNode.MapNode map) {
                map.fields().forEach(fields::putIfAbsent);
              } else {
                issues.add(new ReadIssue(source.location(), FieldPath.field(path, "<<"), "a YAML merge key needs a mapping"));
              }
            }
          }
          return new SourceNode.MapNode(fields, at);
        }
        case START_ARRAY -> {
          List<SourceNode> items = new ArrayList<>();
          JsonToken t;
          while ((t = parser.nextToken()) != JsonToken.END_ARRAY) {
            items.add(value(t, null, FieldPath.index(path, items.size())));
          }
          return new SourceNode.ListNode(items, at);
        }
        case VALUE_STRING -> {
          return new SourceNode.ScalarNode(parser.getText(), SourceNode.ScalarType.STRING, at);
        }
        case VALUE_NUMBER_INT -> {
          return new SourceNode.ScalarNode(
              parser.getNumberValue().toString(), SourceNode.ScalarType.INTEGER, at);
        }
        case VALUE_NUMBER_FLOAT -> {
          return new SourceNode.ScalarNode(parser.getText(), SourceNode.ScalarType.NUMBER, at);
        }
        case VALUE_TRUE, VALUE_FALSE -> {
          return new SourceNode.ScalarNode(
              Boolean.toString(token == JsonToken.VALUE_TRUE), SourceNode.ScalarType.BOOLEAN, at);
        }
        case VALUE_NULL -> {
          return new SourceNode.NullNode(at);
        }
        case VALUE_EMBEDDED_OBJECT -> {
          // YAML binary (!!binary) and the like: keep the text form.
          return new SourceNode.ScalarNode(parser.getText(), SourceNode.ScalarType.STRING, at);
        }
        default -> throw new IllegalStateException("unexpected token " + token + " at " + at);
      }
    }
  }
}
