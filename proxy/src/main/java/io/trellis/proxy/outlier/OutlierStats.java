package io.trellis.proxy.outlier;

import io.trellis.proxy.stats.Counter;
import io.trellis.proxy.stats.Gauge;
import io.trellis.proxy.stats.StatsStore;
import java.util.EnumMap;
import java.util.Map;

/** A cluster's {@code cluster.NAME.outlier_detection.*} stats under Envoy's names. */
public final class OutlierStats {
  final Gauge ejectionsActive;
  final Counter ejectionsOverflow;
  final Counter ejectionsEnforcedTotal;
  final Counter ejectionsDetectedTotal;
  private final Map<EjectionType, Counter> enforced = new EnumMap<>(EjectionType.class);
  private final Map<EjectionType, Counter> detected = new EnumMap<>(EjectionType.class);

  public OutlierStats(StatsStore store, String clusterName) {
    String p = "cluster." + clusterName + ".outlier_detection.";
    ejectionsActive = store.gauge(p + "ejections_active");
    ejectionsOverflow = store.counter(p + "ejections_overflow");
    ejectionsEnforcedTotal = store.counter(p + "ejections_enforced_total");
    ejectionsDetectedTotal = store.counter(p + "ejections_detected_total");
    for (EjectionType t : EjectionType.values()) {
      enforced.put(t, store.counter(p + "ejections_enforced_" + t.statName));
      detected.put(t, store.counter(p + "ejections_detected_" + t.statName));
    }
  }

  Counter enforced(EjectionType t) {
    return enforced.get(t);
  }

  Counter detected(EjectionType t) {
    return detected.get(t);
  }
}
