package io.trellis.bench.controlplane;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How a {@code bench control-plane} run is set up.
 *
 * @param services N: services (each a ServiceEntry, a DestinationRule and a VirtualService)
 * @param proxies M: simulated sidecars
 * @param namespaces how many namespaces services and proxies are spread over
 * @param launcher the {@code trellis} launcher; null when unknown
 * @param initialDeadline how long all proxies may take to get their initial configuration
 * @param changeDeadline how long one change may take to reach every proxy
 * @param quietLimit the longest wait, after a phase, for pushes to stop before the next phase
 * @param modes the ADS variants to run, one fleet after the other against the same control plane
 */
public record ControlPlaneOptions(
    boolean quick,
    Path outDir,
    int services,
    int proxies,
    int namespaces,
    Path launcher,
    Duration initialDeadline,
    Duration changeDeadline,
    Duration quietLimit,
    List<XdsMode> modes) {

  public static final int DEFAULT_SERVICES = 1000;
  public static final int DEFAULT_PROXIES = 2000;
  /**
   * With --quick and no explicit sizes: small, and with deadlines that bound the whole run (a
   * warm-up per mode, then per mode the initial push, two changes and the waits between them)
   * under 90 s even when the control plane is slow: 2 x 6 + 2 x (12 + 2 + 8 + 2 + 8 + 2) s plus
   * start-up.
   */
  public static final int QUICK_SERVICES = 50;
  public static final int QUICK_PROXIES = 100;

  public ControlPlaneOptions {
    if (services < 1) {
      throw new IllegalArgumentException("services: " + services + " (expected: at least 1)");
    }
    if (proxies < 1) {
      throw new IllegalArgumentException("proxies: " + proxies + " (expected: at least 1)");
    }
    if (namespaces < 1) {
      throw new IllegalArgumentException("namespaces: " + namespaces + " (expected: at least 1)");
    }
    modes = List.copyOf(modes);
    if (modes.isEmpty()) {
      throw new IllegalArgumentException("modes: none (expected: sotw, delta or both)");
    }
    if (services < modes.size()) {
      // each mode edits its own service, so that the second run's edit is a change too
      throw new IllegalArgumentException("services: " + services + " (expected: at least " + modes.size() + ", one per mode)");
    }
  }

  /** Defaults for a run; {@code services}/{@code proxies} null means the default for the mode. */
  public static ControlPlaneOptions defaults(boolean quick, Path outDir, Path launcher, Integer services, Integer proxies) {
    return new ControlPlaneOptions(
        quick,
        outDir,
        services != null ? services : quick ? QUICK_SERVICES : DEFAULT_SERVICES,
        proxies != null ? proxies : quick ? QUICK_PROXIES : DEFAULT_PROXIES,
        10,
        launcher,
        quick ? Duration.ofSeconds(12) : Duration.ofMinutes(5),
        quick ? Duration.ofSeconds(8) : Duration.ofSeconds(30),
        quick ? Duration.ofSeconds(2) : Duration.ofSeconds(15),
        List.of(XdsMode.SOTW, XdsMode.DELTA));
  }

  public ControlPlaneOptions withModes(List<XdsMode> m) {
    return new ControlPlaneOptions(
        quick, outDir, services, proxies, namespaces, launcher, initialDeadline, changeDeadline, quietLimit, m);
  }
}
