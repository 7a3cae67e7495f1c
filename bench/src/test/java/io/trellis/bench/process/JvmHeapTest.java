package io.trellis.bench.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.trellis.bench.Fixtures;
import org.junit.jupiter.api.Test;

class JvmHeapTest {

  @Test
  void sumsTheSerialCollectorsGenerations() {
    // DefNew used 31021K + Tenured used 1166K
    assertThat(JvmHeap.parseUsedMib(Fixtures.read("jcmd-heap-serial.txt")).getAsDouble())
        .isCloseTo((31021 + 1166) / 1024.0, within(1e-9));
  }

  @Test
  void readsG1sSingleHeapLine() {
    assertThat(JvmHeap.parseUsedMib(Fixtures.read("jcmd-heap-g1.txt")).getAsDouble())
        .isCloseTo(10528 / 1024.0, within(1e-9));
  }

  @Test
  void noHeapLinesIsEmptyNotZero() {
    assertThat(JvmHeap.parseUsedMib("12345:\nCommand not found")).isEmpty();
  }

  @Test
  void readsThisJvm() {
    assertThat(JvmHeap.usedMib(ProcessHandle.current().pid()).getAsDouble()).isPositive();
  }
}
