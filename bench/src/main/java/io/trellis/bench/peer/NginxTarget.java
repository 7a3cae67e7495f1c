package io.trellis.bench.peer;

import io.trellis.bench.process.Placement;

import io.trellis.bench.process.BenchProcess;
import io.trellis.bench.process.FreePort;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** nginx as a reverse proxy (see {@link NginxProxyConfig}). */
public final class NginxTarget implements Target {

  @Override
  public String name() {
    return "nginx";
  }

  @Override
  public Running start(Path workDir, BackendPorts backend, Placement placement) throws IOException {
    int http1 = FreePort.pick();
    int h2c = FreePort.pick();
    Path conf = workDir.resolve("proxy-nginx.conf");
    Files.writeString(conf, NginxProxyConfig.render(workDir, http1, h2c, backend));
    BenchProcess p =
        BenchProcess.start("proxy-nginx", List.of("nginx", "-p", workDir.toString(), "-c", conf.toString()), placement, workDir);
    return new Running(p, http1, h2c);
  }
}
