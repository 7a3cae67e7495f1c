package io.trellis.cli.up;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProxyRuntimeTest {
  @TempDir Path tmp;

  @Test
  void proxiesGetAStableJarOnlyWorldReadableClassPath() throws Exception {
    Path home = Files.createDirectories(tmp.resolve("home"));
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
    Path lib = jar(home.resolve("lib.jar"), null, "a/A.class");
    Path classes = Files.createDirectories(home.resolve("classes/b"));
    Files.writeString(classes.resolve("B.class"), "not really a class");
    // What a test runner passes: one manifest-only jar naming the rest.
    Path booter = jar(tmp.resolve("booter.jar"), lib.toUri() + " " + home.resolve("classes").toUri(), null);

    Path cache = tmp.resolve("cache");
    String first;
    try (ProxyRuntime r = new ProxyRuntime(booter.toString(), cache)) {
      first = r.classPath();
      List<String> entries = List.of(first.split(File.pathSeparator));
      assertThat(entries).hasSize(2).allMatch(e -> e.endsWith(".jar") && e.startsWith(cache.toString()));
      for (String e : entries) {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(Path.of(e)))).isEqualTo("rw-r--r--");
      }
      try (JarFile packed = new JarFile(entries.get(1))) {
        assertThat(packed.getEntry("b/B.class")).isNotNull();
      }
      assertThat(r.aotCache()).isEmpty();
      Path recording = r.aotRecording();
      Files.writeString(recording, "cache bytes");
      r.adoptAotCache(recording);
      assertThat(r.aotCache()).isPresent();
      assertThat(recording).doesNotExist();
    }
    try (ProxyRuntime again = new ProxyRuntime(booter.toString(), cache)) {
      assertThat(again.classPath()).as("the same build gets the same class path (and its AOT cache)").isEqualTo(first);
      assertThat(again.aotCache()).isPresent();
    }
    Files.writeString(classes.resolve("B.class"), "changed, longer than before");
    try (ProxyRuntime rebuilt = new ProxyRuntime(booter.toString(), cache)) {
      assertThat(rebuilt.classPath()).as("a changed build gets its own").isNotEqualTo(first);
      assertThat(rebuilt.aotCache()).isEmpty();
    }
  }

  private static Path jar(Path file, String classPath, String entry) throws Exception {
    Manifest m = new Manifest();
    m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    if (classPath != null) {
      m.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath);
    }
    try (OutputStream out = Files.newOutputStream(file); JarOutputStream jar = new JarOutputStream(out, m)) {
      if (entry != null) {
        jar.putNextEntry(new JarEntry(entry));
        jar.write(new byte[] {1, 2, 3});
        jar.closeEntry();
      }
    }
    return file;
  }
}
