package io.trellis.api.validate;

import io.trellis.api.model.FieldPath;
import java.util.List;

/** Gateway references ({@code mesh}, {@code namespace/name}, or the legacy FQDN form). */
final class Gateways {

  private Gateways() {}

  static void checkNames(List<String> names, String path, Findings f) {
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      String at = FieldPath.index(path, i);
      int slash = name.indexOf('/');
      if (slash < 0) {
        if (name.contains(".")) {
          String[] parts = name.split("\\.");
          f.warning(at, "using legacy gatewayName format \"" + name + "\"; prefer the <namespace>/<name> format: \""
              + (parts.length > 1 ? parts[1] : "") + "/" + parts[0] + "\"");
        }
        f.errorIf(at, Names.checkFqdn(name));
        continue;
      }
      String ns = name.substring(0, slash);
      String gw = name.substring(slash + 1);
      if (ns.isEmpty() || gw.isEmpty()) {
        f.error(at, "config namespace and gateway name cannot be empty");
      }
      if (!Names.isDnsLabel(ns)) {
        f.error(at, "invalid value for namespace: \"" + ns + "\"");
      }
      if (!Names.isDnsLabel(gw)) {
        f.error(at, "invalid value for gateway name: \"" + gw + "\"");
      }
    }
  }
}
