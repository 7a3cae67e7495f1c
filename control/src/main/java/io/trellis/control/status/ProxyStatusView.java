package io.trellis.control.status;

import io.trellis.control.config.Rejection;
import io.trellis.control.xds.ProxyStatus;
import io.trellis.control.xds.XdsType;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code trellis proxy-status} prints: one row per connected proxy with each type's sync
 * state (VHDS too when some proxy is on a delta stream), then any configuration currently rejected (the proxies keep its last good version).
 */
public final class ProxyStatusView {
  private ProxyStatusView() {}

  public static String table(List<ProxyStatus> proxies, List<Rejection> rejections) {
    List<String[]> rows = new ArrayList<>();
    // VHDS exists only on delta streams: its column appears when some proxy could have it, and
    // reads "-" for a state-of-the-world proxy.
    boolean vhds = proxies.stream().anyMatch(ProxyStatus::delta);
    rows.add(
        vhds
            ? new String[] {"NAME", "KIND", "CDS", "LDS", "EDS", "RDS", "VHDS", "PROTOCOL"}
            : new String[] {"NAME", "KIND", "CDS", "LDS", "EDS", "RDS", "PROTOCOL"});
    for (ProxyStatus p : proxies) {
      List<String> row = new ArrayList<>();
      row.add(p.node().id());
      row.add(p.node().kind().name());
      row.add(cell(p, XdsType.CLUSTER));
      row.add(cell(p, XdsType.LISTENER));
      row.add(cell(p, XdsType.ENDPOINT));
      row.add(cell(p, XdsType.ROUTE));
      if (vhds) {
        row.add(p.delta() ? cell(p, XdsType.VIRTUAL_HOST) : "-");
      }
      row.add(p.delta() ? "delta" : "sotw");
      rows.add(row.toArray(String[]::new));
    }
    StringBuilder out = new StringBuilder(ProxyConfigView.format(rows));
    for (ProxyStatus p : proxies) {
      p.types().forEach((url, t) -> {
        if (t.state() == ProxyStatus.SyncState.NACKED) {
          out.append(p.node().id())
              .append(' ')
              .append(XdsType.fromTypeUrl(url).map(XdsType::shortName).orElse(url))
              .append(" NACKED: ")
              .append(t.error())
              .append('\n');
        }
      });
    }
    if (!rejections.isEmpty()) {
      out.append("\nRejected configuration (the last good version stays in force):\n");
      for (Rejection r : rejections) {
        for (String m : r.messages()) {
          out.append("  ").append(m).append('\n');
        }
      }
    }
    return out.toString();
  }

  /** SYNCED, NOT SENT, STALE or NACKED, as istioctl spells them. */
  static String cell(ProxyStatus p, XdsType type) {
    ProxyStatus.TypeStatus t = p.types().get(type.typeUrl());
    if (t == null) {
      return "NOT SENT";
    }
    return switch (t.state()) {
      case NOT_SENT -> "NOT SENT";
      case STALE -> "STALE";
      case SYNCED -> "SYNCED";
      case NACKED -> "NACKED";
    };
  }
}
