package io.trellis.bench.peer;

import io.trellis.bench.process.Placement;

import io.trellis.bench.process.BenchProcess;
import io.trellis.bench.process.FreePort;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/** The origin: nginx with fixed bodies on two free loopback ports. */
public final class NginxBackend implements AutoCloseable {

  private final BenchProcess process;
  private final BackendPorts ports;

  private NginxBackend(BenchProcess process, BackendPorts ports) {
    this.process = process;
    this.ports = ports;
  }

  /** Writes the bodies and nginx.conf into {@code workDir}, starts nginx and waits for its first 200. */
  public static NginxBackend start(Path workDir, Placement placement) throws IOException, TargetUnavailableException {
    // nginx workers drop to an unprivileged user when started as root: they must be able to read
    // the document root.
    Files.setPosixFilePermissions(workDir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path docRoot = Files.createDirectories(workDir.resolve("www"));
    Files.setPosixFilePermissions(docRoot, PosixFilePermissions.fromString("rwxr-xr-x"));
    writeBody(docRoot.resolve(Paths.ONE_KB.substring(1)), Paths.ONE_KB_BYTES);
    writeBody(docRoot.resolve(Paths.ONE_MB.substring(1)), Paths.ONE_MB_BYTES);
    BackendPorts ports = new BackendPorts(FreePort.pick(), FreePort.pick());
    Path conf = workDir.resolve("backend-nginx.conf");
    Files.writeString(conf, NginxBackendConfig.render(workDir, docRoot, ports));
    BenchProcess p =
        BenchProcess.start(
            "backend-nginx", List.of("nginx", "-p", workDir.toString(), "-c", conf.toString()), placement, workDir);
    try {
      HttpProbe.awaitOk(ports.http1(), Paths.EMPTY, Duration.ofSeconds(10), p);
      HttpProbe.awaitOk(ports.http1(), Paths.ONE_KB, Duration.ofSeconds(2), p);
    } catch (TargetUnavailableException | RuntimeException e) {
      p.close();
      throw e;
    }
    return new NginxBackend(p, ports);
  }

  /** A body of printable bytes, so that nothing on the path is tempted to treat it as special. */
  static void writeBody(Path file, int size) throws IOException {
    byte[] body = new byte[size];
    Arrays.fill(body, (byte) 'x');
    Files.write(file, body);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
  }

  public BackendPorts ports() {
    return ports;
  }

  public BenchProcess process() {
    return process;
  }

  @Override
  public void close() {
    process.close();
  }
}
