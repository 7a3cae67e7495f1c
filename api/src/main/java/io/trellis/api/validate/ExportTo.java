package io.trellis.api.validate;

import io.trellis.api.model.FieldPath;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Istio's rules for {@code exportTo}: ".", "*", namespaces (and "~" for ServiceEntry), no duplicates. */
final class ExportTo {

  private ExportTo() {}

  static void check(
      List<String> exportTo, String namespace, boolean serviceEntry, boolean ruleWithSelector, String path, Findings findings) {
    if (exportTo.isEmpty()) {
      return;
    }
    Set<String> seen = new LinkedHashSet<>();
    for (int i = 0; i < exportTo.size(); i++) {
      String e = exportTo.get(i);
      String at = FieldPath.index(path, i);
      String key = e.equals(".") ? namespace : e;
      if (seen.contains(key)) {
        findings.error(
            at,
            key.equals(e)
                ? "duplicate entries in exportTo for entry " + e
                : "duplicate entries in exportTo: . and current namespace " + namespace);
        continue;
      }
      if (e.equals("~") && !serviceEntry) {
        findings.error(at, "invalid exportTo value \"~\"", "\".\", \"*\" or a namespace");
        continue;
      }
      if (!e.equals("*") && !e.equals("~") && !e.equals(".") && !Names.isNamespaceName(e)) {
        findings.error(at, "invalid exportTo value \"" + e + "\"", "\".\", \"*\" or a namespace");
        continue;
      }
      seen.add(key);
    }
    if (ruleWithSelector && !seen.isEmpty()) {
      if (!seen.contains(namespace)) {
        findings.error(path, "destination rule with workload selector cannot have exportTo beyond current namespace");
      } else if (seen.size() > 1) {
        findings.error(path, "destination rule with workload selector cannot have multiple entries in exportTo");
      }
    }
    if (seen.contains("*") && exportTo.size() > 1) {
      findings.error(path, "cannot have both public (*) and non-public exportTo values for a resource");
    }
    if (seen.contains("~") && exportTo.size() > 1) {
      findings.error(path, "cannot export service entry to no one (~) and someone");
    }
  }
}
