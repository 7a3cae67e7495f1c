package io.trellis.cli.up;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * Where the local proxies' files live, and the class path they run from.
 *
 * <p>Bootstrap files go to a world-readable temporary directory, deleted on close. The class path
 * is a world-readable directory of jars under the system's temporary directory, named by a hash
 * of what it holds and kept across runs: every jar of the running class path hard-linked (or
 * copied), every class directory packed as a jar. World-readable because in netns mode the sidecar
 * runs as Istio's proxy user (uid 1337), who cannot read a jar under root's 0700 home; jars only
 * and stable because that is what lets the JVM's AOT cache ({@code -XX:AOTCache}, JDK 25) apply:
 * the first mesh's gateway records one as it runs, and every later proxy on the same build starts
 * with its classes already loaded and linked — the difference between a mesh of a dozen JVMs on two
 * cores being up in one minute or in two.
 */
final class ProxyRuntime implements AutoCloseable {
  private static final String AOT_FILE = "proxy.aot";

  private final Path dir;
  private final String hostClassPath;
  private final Path cacheRoot;
  private Path classPathDir;
  private String classPath;

  ProxyRuntime(String hostClassPath) throws IOException {
    this(hostClassPath, Path.of(System.getProperty("java.io.tmpdir"), "trellis-proxy-classpath"));
  }

  ProxyRuntime(String hostClassPath, Path cacheRoot) throws IOException {
    this.hostClassPath = hostClassPath;
    this.cacheRoot = cacheRoot;
    this.dir = Files.createTempDirectory("trellis-up-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
  }

  Path dir() {
    return dir;
  }

  /** The class path as the running JVM has it. */
  String hostClassPath() {
    return hostClassPath;
  }

  /** The proxies' class path: jars only, readable by every user, the same across runs of one build. */
  synchronized String classPath() throws IOException {
    if (classPath != null) {
      return classPath;
    }
    List<Path> entries = expanded(hostClassPath);
    String key = fingerprint(entries);
    Files.createDirectories(cacheRoot);
    setMode(cacheRoot, "rwxr-xr-x");
    Path target = cacheRoot.resolve(key);
    if (!Files.isRegularFile(target.resolve("classpath"))) {
      // Built aside and renamed into place, so two meshes starting at once never see half of it.
      Path building = Files.createTempDirectory(cacheRoot, key + ".building-");
      List<String> names = new ArrayList<>();
      int i = 0;
      for (Path source : entries) {
        if (Files.isRegularFile(source)) {
          String name = String.format("%03d-%s", i++, source.getFileName());
          try {
            Files.createLink(building.resolve(name), source);
          } catch (IOException | UnsupportedOperationException e) {
            Files.copy(source, building.resolve(name));
          }
          names.add(name);
        } else if (Files.isDirectory(source)) {
          String name = String.format("%03d-classes.jar", i++);
          jar(source, building.resolve(name));
          names.add(name);
        }
      }
      Files.writeString(building.resolve("classpath"), String.join("\n", names) + "\n");
      try (Stream<Path> all = Files.list(building)) {
        for (Path p : all.toList()) {
          setMode(p, "rw-r--r--");
        }
      }
      setMode(building, "rwxr-xr-x");
      try {
        Files.move(building, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException | AtomicMoveNotSupportedException e) {
        delete(building); // another mesh built the same one first
      }
    }
    Files.setLastModifiedTime(target, java.nio.file.attribute.FileTime.from(java.time.Instant.now()));
    pruneStale(target);
    List<String> paths = new ArrayList<>();
    for (String name : Files.readAllLines(target.resolve("classpath"))) {
      if (!name.isBlank()) {
        paths.add(target.resolve(name.strip()).toString());
      }
    }
    classPathDir = target;
    classPath = String.join(java.io.File.pathSeparator, paths);
    return classPath;
  }

  /** How long an unused class path (another build's) is kept: a day, so a running mesh never loses its own. */
  static final java.time.Duration KEEP_UNUSED = java.time.Duration.ofDays(1);

  /** Removes other builds' class paths nobody has started a mesh from for {@link #KEEP_UNUSED}. */
  private void pruneStale(Path current) {
    java.time.Instant cutoff = java.time.Instant.now().minus(KEEP_UNUSED);
    try (Stream<Path> siblings = Files.list(cacheRoot)) {
      for (Path p : siblings.toList()) {
        if (!p.equals(current) && Files.isDirectory(p) && Files.getLastModifiedTime(p).toInstant().isBefore(cutoff)) {
          delete(p);
        }
      }
    } catch (IOException e) {
      // pruning is housekeeping; the mesh does not depend on it
    }
  }

  /** The AOT cache recorded for this class path, if a mesh has recorded one. */
  synchronized Optional<Path> aotCache() throws IOException {
    classPath();
    Path cache = classPathDir.resolve(AOT_FILE);
    return Files.isRegularFile(cache) && Files.size(cache) > 0 ? Optional.of(cache) : Optional.empty();
  }

  /** Where a proxy records a new AOT cache (a temporary name; {@link #adoptAotCache} publishes it). */
  synchronized Path aotRecording() throws IOException {
    classPath();
    return classPathDir.resolve(AOT_FILE + "." + ProcessHandle.current().pid() + ".recording");
  }

  /** Publishes a finished recording as the cache for later proxies, if the recording JVM wrote one. */
  synchronized void adoptAotCache(Path recording) {
    try {
      if (Files.isRegularFile(recording) && Files.size(recording) > 0) {
        setMode(recording, "rw-r--r--");
        Files.move(recording, classPathDir.resolve(AOT_FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } else {
        Files.deleteIfExists(recording);
      }
      // The JVM's intermediate configuration file, if it left one.
      Files.deleteIfExists(recording.resolveSibling(recording.getFileName() + ".config"));
    } catch (IOException e) {
      // no cache this time: the next mesh records again
    }
  }

  /**
   * The class path's entries with every jar's manifest {@code Class-Path} followed (a test runner
   * often passes one manifest-only jar that names all the others).
   */
  static List<Path> expanded(String classPath) throws IOException {
    LinkedHashSet<Path> out = new LinkedHashSet<>();
    ArrayDeque<Path> todo = new ArrayDeque<>();
    for (String entry : classPath.split(java.io.File.pathSeparator)) {
      if (!entry.isEmpty()) {
        todo.add(Path.of(entry).toAbsolutePath().normalize());
      }
    }
    while (!todo.isEmpty()) {
      Path p = todo.poll();
      if (!Files.exists(p) || !out.add(p) || !Files.isRegularFile(p)) {
        continue;
      }
      try (JarFile jar = new JarFile(p.toFile())) {
        Manifest m = jar.getManifest();
        String cp = m == null ? null : m.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
        if (cp != null) {
          if (jar.stream().noneMatch(e -> e.getName().endsWith(".class"))) {
            out.remove(p); // a manifest-only jar (a test runner's): its entries replace it
          }
          for (String ref : cp.trim().split("\\s+")) {
            if (ref.isEmpty()) {
              continue;
            }
            try {
              todo.add(Path.of(p.toUri().resolve(ref)).toAbsolutePath().normalize());
            } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
              // not a file URL: nothing a proxy could load from anyway
            }
          }
        }
      } catch (java.util.zip.ZipException e) {
        // not a jar: used as it is
      }
    }
    return new ArrayList<>(out);
  }

  /** A hash of the entries' paths, sizes and times (for directories: of every file in them) and the JVM. */
  private static String fingerprint(List<Path> entries) throws IOException {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    sha.update(Runtime.version().toString().getBytes(StandardCharsets.UTF_8));
    sha.update(ChildJava.javaExecutable().getBytes(StandardCharsets.UTF_8));
    for (Path e : entries) {
      List<Path> files;
      if (Files.isDirectory(e)) {
        try (Stream<Path> walk = Files.walk(e)) {
          files = walk.filter(Files::isRegularFile).sorted().toList();
        }
      } else {
        files = List.of(e);
      }
      for (Path f : files) {
        sha.update((f + "|" + Files.size(f) + "|" + Files.getLastModifiedTime(f).toMillis() + "\n").getBytes(StandardCharsets.UTF_8));
      }
    }
    return HexFormat.of().formatHex(sha.digest(), 0, 12);
  }

  private static void jar(Path dir, Path target) throws IOException {
    try (OutputStream out = Files.newOutputStream(target);
        JarOutputStream jar = new JarOutputStream(out);
        Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted().toList()) {
        if (p.equals(dir)) {
          continue;
        }
        String name = dir.relativize(p).toString().replace(java.io.File.separatorChar, '/');
        if (Files.isDirectory(p)) {
          jar.putNextEntry(new JarEntry(name + "/"));
          jar.closeEntry();
        } else {
          jar.putNextEntry(new JarEntry(name));
          Files.copy(p, jar);
          jar.closeEntry();
        }
      }
    }
  }

  private static void setMode(Path p, String mode) throws IOException {
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
  }

  /** Writes a world-readable file here (bootstraps carry no secrets). */
  Path write(String name, String content) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, content);
    setMode(file, "rw-r--r--");
    return file;
  }

  private static void delete(Path root) {
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // best effort: a temporary directory
    }
  }

  @Override
  public void close() {
    delete(dir);
  }
}
