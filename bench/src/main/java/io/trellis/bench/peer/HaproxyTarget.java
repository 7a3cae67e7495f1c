package io.trellis.bench.peer;

import io.trellis.bench.process.Placement;

import io.trellis.bench.process.BenchProcess;
import io.trellis.bench.process.FreePort;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** HAProxy as a reverse proxy (see {@link HaproxyConfig}), in the foreground ({@code -db}). */
public final class HaproxyTarget implements Target {

  @Override
  public String name() {
    return "haproxy";
  }

  @Override
  public Running start(Path workDir, BackendPorts backend, Placement placement) throws IOException {
    int http1 = FreePort.pick();
    int h2c = FreePort.pick();
    Path conf = workDir.resolve("haproxy.cfg");
    Files.writeString(conf, HaproxyConfig.render(http1, h2c, backend));
    BenchProcess p = BenchProcess.start("proxy-haproxy", List.of("haproxy", "-db", "-f", conf.toString()), placement, workDir);
    return new Running(p, http1, h2c);
  }
}
