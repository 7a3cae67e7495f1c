package io.trellis.control.config;

import io.trellis.api.model.Location;
import io.trellis.api.model.Resource;
import io.trellis.api.model.ResourceKey;
import io.trellis.api.validate.Problem;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-file bookkeeping of a file-backed config source: each file is all-or-nothing, a file
 * with errors keeps its last good version in force, and files are compared by content hash so that
 * a touch, a save by rename or a rewrite of the same bytes changes nothing.
 *
 * <p>Not thread-safe: the owning source serializes calls.
 */
public final class ConfigFiles {
  private static final Logger log = LoggerFactory.getLogger(ConfigFiles.class);

  private record FileEntry(String hash, List<Resource<?>> good, Rejection rejection) {}

  /**
   * What a file looked like without reading it: size, modification time and identity (inode), and
   * when that was seen. A rescan reads only files whose stamp moved, instead of every file in the
   * tree (a thousand services' worth of YAML was most of the time between an edit and its push).
   *
   * <p>A stamp taken within {@link #RACY} of the file's modification time is not trusted, as git
   * does for its index: the file could be written again within the same timestamp tick, keeping
   * its size; such files are read again until a later stamp is trustworthy.
   */
  public record FileStamp(long size, FileTime modified, Object fileKey, Instant seen) {
    static final Duration RACY = Duration.ofSeconds(2);

    public static FileStamp of(BasicFileAttributes a, Instant seen) {
      return new FileStamp(a.size(), a.lastModifiedTime(), a.fileKey(), seen);
    }

    boolean vouchesFor(FileStamp now) {
      return size == now.size
          && modified.equals(now.modified)
          && Objects.equals(fileKey, now.fileKey)
          && modified.toInstant().plus(RACY).isBefore(seen);
    }
  }

  private final Map<Path, FileStamp> stamps = new HashMap<>();

  private final Path root;
  private final ValidatingLoader loader;
  private final Clock clock;
  private final Map<Path, FileEntry> files = new TreeMap<>();

  public ConfigFiles(Path root, ValidatingLoader loader, Clock clock) {
    this.root = root;
    this.loader = Objects.requireNonNull(loader, "loader");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Whether {@code file} is known to be unchanged since it was last read, by its {@link FileStamp}. */
  public boolean unchanged(Path file, FileStamp now) {
    FileStamp before = stamps.get(file);
    return before != null && files.containsKey(file) && before.vouchesFor(now);
  }

  /**
   * Takes a file's current content, read right after {@code stamp} was taken. Returns true when
   * that changes what the source publishes.
   */
  public boolean offer(Path file, byte[] bytes, FileStamp stamp) {
    boolean changed = offer(file, bytes);
    stamps.put(file, stamp);
    return changed;
  }

  /**
   * Takes a file's current content. Returns true when that changes what the source publishes: new
   * resources in force, or a new rejection.
   */
  public boolean offer(Path file, byte[] bytes) {
    String hash = sha256(bytes);
    FileEntry old = files.get(file);
    if (old != null && old.hash().equals(hash)) {
      return false;
    }
    String name = root.relativize(file).toString();
    ValidatingLoader.Outcome outcome = decode(name, bytes);
    if (outcome.accepted()) {
      outcome.problems().forEach(p -> log.warn("{}", p.format()));
      files.put(file, new FileEntry(hash, outcome.resources(), null));
      log.info("{}: {} resource(s) in force", name, outcome.resources().size());
    } else {
      Rejection rejection = new Rejection(name, outcome.problems(), clock.instant());
      files.put(file, new FileEntry(hash, old == null ? List.of() : old.good(), rejection));
      log.warn(
          "{} rejected; {}:\n  {}",
          name,
          old == null ? "it has no earlier version in force" : "its last good version stays in force",
          String.join("\n  ", rejection.messages()));
    }
    return true;
  }

  /** Withdraws the resources of every file not in {@code present}; true if there were any. */
  public boolean retainOnly(Set<Path> present) {
    boolean changed = false;
    for (Path gone : new ArrayList<>(files.keySet())) {
      if (!present.contains(gone)) {
        files.remove(gone);
        stamps.remove(gone);
        changed = true;
        log.info("{}: removed; its resources are withdrawn", root.relativize(gone));
      }
    }
    return changed;
  }

  /**
   * Two files defining the same resource is a mistake Kubernetes would not allow (the second apply
   * would replace the first); here the later file in path order wins, and the user is told.
   */
  public void warnAboutDuplicates() {
    Map<ResourceKey, Resource<?>> seen = new HashMap<>();
    for (FileEntry e : files.values()) {
      for (Resource<?> r : e.good()) {
        Resource<?> earlier = seen.put(r.key(), r);
        if (earlier != null) {
          log.warn("{}: {} is also defined at {}; the later one is used", r.origin(), r.key(), earlier.origin());
        }
      }
    }
  }

  /** Every file's last good resources, in path order, and the current rejections. */
  public SourceState state(String sourceName) {
    List<Resource<?>> resources = new ArrayList<>();
    List<Rejection> rejections = new ArrayList<>();
    for (FileEntry e : files.values()) {
      resources.addAll(e.good());
      if (e.rejection() != null) {
        rejections.add(e.rejection());
      }
    }
    return new SourceState(sourceName, resources, rejections);
  }

  private ValidatingLoader.Outcome decode(String name, byte[] bytes) {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      return new ValidatingLoader.Outcome(
          List.of(), List.of(Problem.error(new Location(name, 1, 1), null, "", "file is not UTF-8 text", null)));
    }
    return loader.load(name, text);
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
