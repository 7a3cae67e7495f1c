package io.trellis.control.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * The control plane's state directory: {@code --state-dir}, else {@code $TRELLIS_STATE_DIR}, else
 * {@code ~/.trellis}. It holds {@code control-plane.json} (how to reach the running control plane)
 * and {@code api-token} (the bearer token for its API, mode 0600, in a 0700 directory), so that only
 * the user who started the control plane can change its configuration.
 */
public final class StateDirectory {
  public static final String ENV = "TRELLIS_STATE_DIR";
  public static final String INFO_FILE = "control-plane.json";
  public static final String TOKEN_FILE = "api-token";
  private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  private final Path dir;

  public StateDirectory(Path dir) {
    this.dir = dir.toAbsolutePath().normalize();
  }

  /** The flag if given, else the environment variable, else {@code ~/.trellis}. */
  public static StateDirectory resolve(Path flag, Map<String, String> env) {
    if (flag != null) {
      return new StateDirectory(flag);
    }
    String fromEnv = env.get(ENV);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return new StateDirectory(Path.of(fromEnv));
    }
    return new StateDirectory(Path.of(System.getProperty("user.home"), ".trellis"));
  }

  public Path path() {
    return dir;
  }

  public Path infoFile() {
    return dir.resolve(INFO_FILE);
  }

  public Path tokenFile() {
    return dir.resolve(TOKEN_FILE);
  }

  /** The recorded control plane, if the file exists (it may name a process that has exited). */
  public Optional<ControlPlaneInfo> readInfo() throws IOException {
    try {
      return Optional.of(ControlPlaneInfo.parse(Files.readString(infoFile()), infoFile().toString()));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  /**
   * Refuses to start a second control plane on the same state directory: it would overwrite the
   * first one's token and address, and {@code trellis apply} would reach the wrong one.
   */
  public void claim() throws IOException {
    Optional<ControlPlaneInfo> existing = readInfo();
    if (existing.isPresent()) {
      long pid = existing.get().pid();
      boolean alive = pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
      if (alive) {
        throw new IOException(
            "a control plane (pid " + pid + ") already uses state directory " + dir
                + " (API on " + existing.get().host() + ":" + existing.get().apiPort()
                + "); stop it, or give this one another --state-dir");
      }
    }
    createPrivateDirectory();
  }

  /** Generates a 256-bit bearer token and writes it to {@code api-token} with mode 0600. */
  public String writeNewToken(SecureRandom random) throws IOException {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    writePrivate(tokenFile(), token + "\n");
    return token;
  }

  public void writeInfo(ControlPlaneInfo info) throws IOException {
    writePrivate(infoFile(), info.toJson());
  }

  /** Removes the files if they still describe process {@code pid} (a successor may own them). */
  public void release(long pid) {
    try {
      Optional<ControlPlaneInfo> info = readInfo();
      if (info.isPresent() && info.get().pid() == pid) {
        Files.deleteIfExists(infoFile());
        Files.deleteIfExists(tokenFile());
      }
    } catch (IOException ignored) {
      // best effort at shutdown: a stale file is detected by its dead pid
    }
  }

  /** Reads the token named by {@code info}. */
  public static String readToken(ControlPlaneInfo info) throws IOException {
    try {
      return Files.readString(info.tokenFile(), StandardCharsets.UTF_8).strip();
    } catch (NoSuchFileException e) {
      throw new IOException("the control plane's token file " + info.tokenFile() + " does not exist", e);
    }
  }

  private void createPrivateDirectory() throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    if (POSIX) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } else {
      Files.createDirectories(dir);
    }
  }

  /**
   * Writes via a temp file created 0600 from the start (never readable by others, not even for a
   * moment) and renamed over the target, so readers never see half a file.
   */
  private void writePrivate(Path target, String content) throws IOException {
    createPrivateDirectory();
    Path tmp =
        POSIX
            ? Files.createTempFile(dir, target.getFileName().toString(), ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
            : Files.createTempFile(dir, target.getFileName().toString(), ".tmp");
    try {
      Files.writeString(tmp, content, StandardCharsets.UTF_8);
      try {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
