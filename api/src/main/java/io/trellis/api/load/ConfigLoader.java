package io.trellis.api.load;

import io.trellis.api.model.FieldPath;
import io.trellis.api.model.ObjectMeta;
import io.trellis.api.model.Resource;
import io.trellis.api.model.ResourceKey;
import io.trellis.api.model.SourceNode;
import io.trellis.api.model.Spec;
import io.trellis.api.validate.Problem;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Loads Istio and Kubernetes resources from files and directories.
 *
 * <p>Directories are walked recursively for {@code .yaml}, {@code .yml} and {@code .json} files,
 * in sorted order so that results are deterministic; files named explicitly are read whatever
 * their extension ({@code .json} as JSON, anything else as YAML). A file may hold several YAML
 * documents or JSON values, and {@code kind: List} objects are unpacked into their items.
 * Resources without a namespace get the loader's default namespace.
 *
 * <p>Kinds outside the mesh's interest (a ConfigMap, a Gateway API route) are reported as
 * warnings and skipped; unknown {@code *.istio.io} kinds or versions are errors, as Istio's API
 * server would refuse them.
 */
public final class ConfigLoader {

  public static final String DEFAULT_NAMESPACE = "default";

  private static final Set<String> ISTIO_TOP_LEVEL = Set.of("apiVersion", "kind", "metadata", "spec", "status");

  private final String defaultNamespace;

  public ConfigLoader() {
    this(DEFAULT_NAMESPACE);
  }

  public ConfigLoader(String defaultNamespace) {
    this.defaultNamespace = defaultNamespace;
  }

  /** The files a load of {@code paths} reads, in the order it reads them. */
  public static List<Path> files(List<Path> paths) throws IOException {
    List<Path> files = new ArrayList<>();
    for (Path path : paths) {
      if (Files.isDirectory(path)) {
        try (Stream<Path> walk = Files.walk(path)) {
          walk.filter(Files::isRegularFile)
              .filter(ConfigLoader::isConfigFile)
              .sorted(Comparator.comparing(Path::toString))
              .forEach(files::add);
        }
      } else if (Files.exists(path)) {
        files.add(path);
      } else {
        throw new NoSuchFileException(path.toString());
      }
    }
    return files;
  }

  private static boolean isConfigFile(Path path) {
    String name = path.getFileName().toString();
    return name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json");
  }

  /**
   * Loads every file under {@code paths}.
   *
   * @throws NoSuchFileException when a path does not exist
   * @throws IOException when a file cannot be read
   */
  public LoadResult load(List<Path> paths) throws IOException {
    // Files are independent: parse and bind them in parallel, then merge in file order so the
    // result does not depend on scheduling.
    List<Collector> perFile;
    try {
      perFile = files(paths).parallelStream().map(this::readFile).toList();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    Collector all = new Collector();
    for (Collector one : perFile) {
      all.resources.addAll(one.resources);
      all.problems.addAll(one.problems);
      all.withErrors.addAll(one.withErrors);
    }
    return all.result();
  }

  private Collector readFile(Path file) {
    Collector collector = new Collector();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      read(file.toString(), reader, file.toString().endsWith(".json"), collector);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return collector;
  }

  /** Loads one in-memory document set, named {@code fileName} in messages. */
  public LoadResult load(String fileName, String content) {
    Collector collector = new Collector();
    try {
      read(fileName, new StringReader(content), fileName.endsWith(".json"), collector);
    } catch (IOException impossible) {
      throw new IllegalStateException(impossible);
    }
    return collector.result();
  }

  private void read(String fileName, Reader reader, boolean json, Collector out) throws IOException {
    List<SourceReader.Document> documents = new ArrayList<>();
    try {
      SourceReader.read(fileName, reader, json, documents);
    } catch (SourceReader.SyntaxException e) {
      documents.forEach(d -> document(d, out));
      out.problems.add(Problem.error(e.location, null, "", (json ? "invalid JSON: " : "invalid YAML: ") + e.getMessage(), null));
      return;
    }
    documents.forEach(d -> document(d, out));
  }

  private void document(SourceReader.Document document, Collector out) {
    SourceNode root = document.root();
    if (root instanceof SourceNode.NullNode
        || (root instanceof SourceNode.ScalarNode s && s.text().isEmpty())) {
      return; // an empty document (a stray "---" or only comments)
    }
    object(root, "", document.issues(), out);
  }

  /** One object: {@code prefix} is its path in the document ({@code ""}, or {@code items[3]} in a List). */
  private void object(SourceNode node, String prefix, List<SourceReader.ReadIssue> readIssues, Collector out) {
    if (!(node instanceof SourceNode.MapNode map)) {
      out.problems.add(Problem.error(node.location(), null, prefix, "a resource must be an object, found " + node.typeName(), null));
      return;
    }
    String apiVersion = text(map.get("apiVersion"));
    String kind = text(map.get("kind"));
    if (apiVersion == null || kind == null) {
      String missing = apiVersion == null ? "apiVersion" : "kind";
      out.problems.add(
          Problem.error(map.locate(missing), null, FieldPath.field(prefix, missing), "required string field is missing", null));
      return;
    }
    if (kind.equals("List") && map.get("items") instanceof SourceNode.ListNode items) {
      for (int i = 0; i < items.items().size(); i++) {
        object(items.items().get(i), FieldPath.index(FieldPath.field(prefix, "items"), i), readIssues, out);
      }
      return;
    }
    int slash = apiVersion.indexOf('/');
    String group = slash < 0 ? "" : apiVersion.substring(0, slash);
    String version = slash < 0 ? apiVersion : apiVersion.substring(slash + 1);

    List<Problem> problems = new ArrayList<>();
    List<String[]> metadataProblems = new ArrayList<>();
    ObjectMeta metadata =
        Binder.bindRecord(
            map.get("metadata"), ObjectMeta.class, "metadata", (path, message, expected) -> metadataProblems.add(new String[] {path, message, expected}));
    if (metadata == null) {
      metadata = ObjectMeta.of("", "");
    }
    Optional<KindInfo> found = KindRegistry.find(group, kind);
    boolean namespaced = found.map(KindInfo::namespaced).orElse(true);
    if (namespaced && metadata.namespace().isEmpty()) {
      metadata = metadata.withNamespace(defaultNamespace);
    } else if (!namespaced) {
      metadata = metadata.withNamespace("");
    }
    ResourceKey key = new ResourceKey(kind, metadata.namespace(), metadata.name());

    if (found.isEmpty()) {
      if (group.endsWith("istio.io")) {
        out.problems.add(
            Problem.error(map.locate("kind"), key, "kind", "unknown Istio kind " + apiVersion + " " + kind, null));
      } else {
        out.problems.add(
            Problem.warning(map.locate("kind"), key, "", apiVersion + " " + kind + " is not read by the mesh; skipped", null));
      }
      return;
    }
    KindInfo info = found.get();
    if (!info.versions().contains(version)) {
      out.problems.add(
          Problem.error(
              map.locate("apiVersion"),
              key,
              "apiVersion",
              "unknown version \"" + apiVersion + "\" of " + kind,
              String.join(", ", info.versions().stream().map(info::apiVersion).toList())));
      return;
    }

    Set<String> readIssuePaths = new java.util.HashSet<>();
    for (SourceReader.ReadIssue issue : readIssues) {
      if (!prefix.isEmpty() && !issue.path().startsWith(prefix + ".")) {
        continue;
      }
      String path = relative(issue.path(), prefix);
      readIssuePaths.add(path);
      problems.add(Problem.error(issue.location(), key, path, issue.message(), null));
    }
    // A field already reported while reading (an unknown alias) is not reported again by binding.
    Binder.Sink sink =
        (path, message, expected) -> {
          if (!readIssuePaths.contains(path)) {
            problems.add(Problem.error(map.locate(path), key, path, message, expected));
          }
        };
    for (String[] m : metadataProblems) {
      sink.error(m[0], m[1], m[2]);
    }
    if (metadata.name().isEmpty() && metadata.generateName().isEmpty()) {
      problems.add(Problem.error(map.locate("metadata.name"), key, "metadata.name", "name is required", null));
    }

    Spec spec;
    if (info.body() == KindInfo.Body.SPEC) {
      SourceNode specNode = map.get("spec");
      if (specNode == null && info.specRequired()) {
        problems.add(Problem.error(map.location(), key, "spec", "required field is missing", null));
      }
      if (specNode instanceof SourceNode.NullNode && !info.isIstio()) {
        specNode = null;
      }
      spec = Binder.bindRecord(specNode, info.type(), "spec", sink);
    } else {
      spec = Binder.bindRecord(map, info.type(), "", sink);
    }
    if (spec == null) {
      spec = Binder.bindRecord(new SourceNode.MapNode(Map.of(), map.location()), info.type(), "spec", (p, m, e) -> {});
    }
    if (info.isIstio()) {
      for (String field : map.fields().keySet()) {
        if (!ISTIO_TOP_LEVEL.contains(field)) {
          problems.add(Problem.error(map.locate(field), key, field, "unknown field \"" + field + "\"", null));
        }
      }
    }
    Resource<?> resource = new Resource<>(apiVersion, kind, metadata, spec, map);
    out.resources.add(resource);
    if (problems.stream().anyMatch(Problem::isError)) {
      out.withErrors.add(resource);
    }
    out.problems.addAll(problems);
  }

  /** A read issue's path relative to the object it belongs to. */
  private static String relative(String path, String prefix) {
    if (prefix.isEmpty()) {
      return path;
    }
    return path.startsWith(prefix + ".") ? path.substring(prefix.length() + 1) : path;
  }

  private static String text(SourceNode node) {
    return node instanceof SourceNode.ScalarNode s && s.type() == SourceNode.ScalarType.STRING ? s.text() : null;
  }

  /** Accumulates one load's results. */
  private static final class Collector {
    final List<Resource<?>> resources = new ArrayList<>();
    final List<Problem> problems = new ArrayList<>();
    final List<Resource<?>> withErrors = new ArrayList<>();

    LoadResult result() {
      return new LoadResult(resources, problems, withErrors);
    }
  }

}
