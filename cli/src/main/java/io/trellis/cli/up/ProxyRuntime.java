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
    for (String entry : hostClassPath.split(java.io.File.pathSeparator)) {
      if (entry.isEmpty()) {
        continue;
      }
      Path source = Path.of(entry).toAbsolutePath();
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
