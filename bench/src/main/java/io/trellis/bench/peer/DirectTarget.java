package io.trellis.bench.peer;

import io.trellis.bench.process.Placement;

import java.nio.file.Path;

/** No proxy: the load goes straight to the origin, the baseline every proxy row is read against. */
public final class DirectTarget implements Target {

  @Override
  public String name() {
    return "direct";
  }

  @Override
  public Running start(Path workDir, BackendPorts backend, Placement placement) {
    return new Running(null, backend.http1(), backend.h2c());
  }
}
