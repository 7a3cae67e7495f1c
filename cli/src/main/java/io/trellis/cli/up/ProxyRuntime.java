package io.trellis.cli.up;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where the local proxies' files live: their bootstrap files, and the class path they run from.
 * A world-readable temporary directory, because in netns mode the sidecar runs as Istio's proxy
 * user (uid 1337) and must read both; a class path entry it could not reach (a jar under root's
 * 0700 home) is linked, or else copied, into it. Deleted on close.
 */
final class ProxyRuntime implements AutoCloseable {
  private final Path dir;
  private final String hostClassPath;
  private String sharedClassPath;

  ProxyRuntime(String hostClassPath) throws IOException {
    this.hostClassPath = hostClassPath;
    this.dir = Files.createTempDirectory("trellis-up-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
  }

  Path dir() {
    return dir;
  }

  /** The class path as the running JVM has it (for proxies running as this user). */
  String hostClassPath() {
    return hostClassPath;
  }

  /** A class path another user can read: every jar hard-linked (or copied) under this directory. */
  synchronized String sharedClassPath() throws IOException {
    if (sharedClassPath != null) {
      return sharedClassPath;
    }
    Path lib = Files.createDirectories(dir.resolve("lib"));
    List<String> entries = new ArrayList<>();
    int i = 0;
    for (Path source : expanded(hostClassPath)) {
      if (Files.isRegularFile(source)) {
        Path target = lib.resolve(String.format("%03d-%s", i++, source.getFileName()));
        try {
          Files.createLink(target, source);
        } catch (IOException | UnsupportedOperationException e) {
          Files.copy(source, target);
        }
        entries.add(target.toString());
      } else if (Files.isDirectory(source)) {
        Path target = lib.resolve(String.format("%03d-classes", i++));
        copyTree(source, target);
        entries.add(target.toString());
      }
    }
    try (Stream<Path> all = Files.walk(lib)) {
      for (Path p : all.toList()) {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
      }
    }
    sharedClassPath = String.join(java.io.File.pathSeparator, entries);
    return sharedClassPath;
  }

  /**
   * The class path's entries with every jar's manifest {@code Class-Path} followed (a test runner
   * often passes one manifest-only jar that names all the others).
   */
  static List<Path> expanded(String classPath) throws IOException {
    java.util.LinkedHashSet<Path> out = new java.util.LinkedHashSet<>();
    java.util.ArrayDeque<Path> todo = new java.util.ArrayDeque<>();
    for (String entry : classPath.split(java.io.File.pathSeparator)) {
      if (!entry.isEmpty()) {
        todo.add(Path.of(entry).toAbsolutePath().normalize());
      }
    }
    while (!todo.isEmpty()) {
      Path p = todo.poll();
      if (!out.add(p) || !Files.isRegularFile(p)) {
        continue;
      }
      try (java.util.jar.JarFile jar = new java.util.jar.JarFile(p.toFile())) {
        java.util.jar.Manifest m = jar.getManifest();
        String cp = m == null ? null : m.getMainAttributes().getValue(java.util.jar.Attributes.Name.CLASS_PATH);
        if (cp != null) {
          for (String ref : cp.trim().split("\\s+")) {
            if (ref.isEmpty()) {
              continue;
            }
            try {
              java.net.URI uri = p.toUri().resolve(ref);
              todo.add(Path.of(uri).toAbsolutePath().normalize());
            } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
              // not a file URL: nothing another user could read anyway
            }
          }
        }
      } catch (java.util.zip.ZipException e) {
        // not a jar: used as it is
      }
    }
    return new ArrayList<>(out);
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
  }

  /** Writes a world-readable file here (bootstraps carry no secrets). */
  Path write(String name, String content) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, content);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    return file;
  }

  @Override
  public void close() {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // best effort: a temporary directory
    }
  }
}
