package io.trellis.control.translate;

import io.envoyproxy.envoy.config.core.v3.Locality;
import java.util.Map;

/** Istio's locality strings ({@code region/zone/subzone}) and how proxies learn their own. */
final class Localities {
  private Localities() {}

  static Locality parse(String locality) {
    String[] p = locality.isEmpty() ? new String[0] : locality.split("/", -1);
    Locality.Builder b = Locality.newBuilder();
    if (p.length > 0) {
      b.setRegion(p[0]);
    }
    if (p.length > 1) {
      b.setZone(p[1]);
    }
    if (p.length > 2) {
      b.setSubZone(p[2]);
    }
    return b.build();
  }

  /** A proxy's locality from its Kubernetes topology labels ("" when it has none). */
  static String ofProxy(Map<String, String> labels) {
    String region = labels.getOrDefault("topology.kubernetes.io/region", "");
    String zone = labels.getOrDefault("topology.kubernetes.io/zone", "");
    String subzone = labels.getOrDefault("topology.istio.io/subzone", "");
    if (region.isEmpty()) {
      return "";
    }
    return subzone.isEmpty() ? (zone.isEmpty() ? region : region + "/" + zone) : region + "/" + zone + "/" + subzone;
  }

  /**
   * Whether a locality pattern from a localityLbSetting ({@code us-west/*}, {@code us-west/zone1/*},
   * {@code *}) covers a locality.
   */
  static boolean matches(String pattern, String locality) {
    if (pattern.equals("*")) {
      return true;
    }
    if (pattern.endsWith("/*")) {
      String prefix = pattern.substring(0, pattern.length() - 1);
      return locality.startsWith(prefix) || (locality + "/").equals(prefix);
    }
    return pattern.equals(locality);
  }

  /** How many leading segments (region, zone, subzone) two localities share. */
  static int shared(String a, String b) {
    if (a.isEmpty() || b.isEmpty()) {
      return 0;
    }
    String[] x = a.split("/", -1);
    String[] y = b.split("/", -1);
    int n = 0;
    while (n < x.length && n < y.length && x[n].equals(y[n])) {
      n++;
    }
    return n;
  }
}
