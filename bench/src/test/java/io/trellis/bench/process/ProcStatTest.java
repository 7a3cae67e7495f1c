package io.trellis.bench.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProcStatTest {

  @Test
  void cpuTicksAreCountedFromTheLastParenthesis() {
    // a command name with spaces and a ')' must not shift the fields
    String stat = "4242 (we ird) name) S 1 4242 4242 0 -1 4194560 100 0 0 0 123 45 0 0 20 0 1 0 1000 0 0";
    assertThat(ProcStat.parseCpuTicks(stat)).hasValue(168);
  }

  @Test
  void rssComesFromVmRss() {
    assertThat(ProcStat.parseRssKib(List.of("Name:\tjava", "VmPeak:\t  999 kB", "VmRSS:\t   51200 kB")))
        .hasValue(51200);
    assertThat(ProcStat.parseRssKib(List.of("Name:\tkthreadd"))).isEmpty();
  }

  @Test
  void readsThisJvmFromProc() {
    ProcStat proc = new ProcStat();
    long self = ProcessHandle.current().pid();
    assertThat(proc.rssMib(self)).isGreaterThan(10);
    long x = 0;
    for (int i = 0; i < 50_000_000; i++) {
      x += i ^ (x >>> 3);
    }
    assertThat(x).isNotZero();
    assertThat(proc.cpuSeconds(self)).isGreaterThan(0);
  }
}
