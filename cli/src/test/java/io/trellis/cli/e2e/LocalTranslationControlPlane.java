package io.trellis.cli.e2e;

import io.trellis.control.ControlPlane;
import io.trellis.control.admin.StateDirectory;
import io.trellis.control.local.LocalMeshTranslation;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;

/**
 * The control plane these tests run as a process: {@code trellis control-plane}'s composition root
 * ({@link ControlPlane}: directory watch, apply API, state directory, xDS server, status) with the
 * translation {@code trellis up} gives it ({@link LocalMeshTranslation}).
 *
 * <p>Why not {@code trellis control-plane} itself: it serves Istio's HTTP filter chain (CORS, fault,
 * router) unmarked, and the Trellis proxy implements only the router, so every HTTP listener it
 * sends is NACKed and no request can be routed. The local-mesh translation is the regular
 * translation plus two things: HTTP filters other than the router are marked optional, and
 * proxies announcing {@code TRELLIS_LOCAL_MODE} get their wildcard listeners rebound to loopback.
 * The proxies here announce {@code LOOPBACK} and use Gateway {@code bind} and Sidecar egress
 * {@code bind: 127.0.0.1} listeners, which that rebinding leaves as they are.
 *
 * <p>Arguments: {@code CONFIG_DIR STATE_DIR XDS_PORT}.
 */
public final class LocalTranslationControlPlane {
  private LocalTranslationControlPlane() {}

  public static void main(String[] args) throws Exception {
    Path config = Path.of(args[0]);
    StateDirectory state = new StateDirectory(Path.of(args[1]));
    int xdsPort = Integer.parseInt(args[2]);
    ControlPlane cp =
        ControlPlane.start(
            ControlPlane.Options.defaults(config, state).withPorts(xdsPort, 0, -1),
            LocalMeshTranslation.fromClassPath(),
            Clock.systemUTC());
    System.out.println("xDS (ADS) " + cp.info().xdsHost() + ":" + cp.info().xdsPort());
    System.out.flush();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      cp.close();
      stopped.countDown();
    }, "control-plane-shutdown"));
    stopped.await();
  }
}
