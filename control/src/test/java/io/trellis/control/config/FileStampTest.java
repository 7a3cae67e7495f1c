package io.trellis.control.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** When a rescan may skip reading a file: only when its stamp is as before and was not racy. */
class FileStampTest {
  private static final Instant WRITTEN = Instant.parse("2026-11-22T02:00:00Z");

  private static ConfigFiles.FileStamp stamp(long size, Instant modified, Object inode, Instant seen) {
    return new ConfigFiles.FileStamp(size, FileTime.from(modified), inode, seen);
  }

  @Test
  void aStampTakenWellAfterTheLastWriteVouchesForAnIdenticalOne() {
    var before = stamp(120, WRITTEN, 7L, WRITTEN.plusSeconds(3));
    assertThat(before.vouchesFor(stamp(120, WRITTEN, 7L, WRITTEN.plusSeconds(60)))).isTrue();
  }

  @Test
  void aStampTakenRightAfterAWriteIsRacyAndVouchesForNothing() {
    // the file may be written again within the same timestamp tick, with the same size
    var before = stamp(120, WRITTEN, 7L, WRITTEN.plusMillis(500));
    assertThat(before.vouchesFor(stamp(120, WRITTEN, 7L, WRITTEN.plusSeconds(60)))).isFalse();
  }

  @Test
  void anyMovedAttributeMeansRead() {
    var before = stamp(120, WRITTEN, 7L, WRITTEN.plusSeconds(3));
    assertThat(before.vouchesFor(stamp(121, WRITTEN, 7L, WRITTEN.plusSeconds(60)))).as("size").isFalse();
    assertThat(before.vouchesFor(stamp(120, WRITTEN.plusNanos(1), 7L, WRITTEN.plusSeconds(60)))).as("mtime").isFalse();
    // an editor saving by rename gives the path a new inode even with size and time restored
    assertThat(before.vouchesFor(stamp(120, WRITTEN, 8L, WRITTEN.plusSeconds(60)))).as("inode").isFalse();
  }
}
