package io.trellis.api.validate;

import static io.trellis.api.model.FieldPath.field;
import static io.trellis.api.model.FieldPath.index;

import io.trellis.api.model.Resource;
import io.trellis.api.model.security.AuthorizationPolicy;
import io.trellis.api.model.security.AuthorizationPolicy.Action;
import java.util.List;

/** Istio's AuthorizationPolicy rules: field combinations per action, sources, operations, conditions. */
final class AuthorizationPolicyValidator {

  private AuthorizationPolicyValidator() {}

  static void validate(Resource<AuthorizationPolicy> resource, Findings f) {
    AuthorizationPolicy ap = resource.spec();
    PolicyScope.check(ap.selector(), ap.targetRef(), ap.targetRefs(), "spec", f);
    boolean rulesSet = f.isSet("spec.rules");
    if (ap.action() == Action.CUSTOM) {
      if (!rulesSet) {
        f.error("spec.rules", "CUSTOM action without `rules` is meaningless as it will never be triggered, "
            + "add an empty rule `{}` if you want it be triggered for every request");
      } else if (ap.provider() == null || ap.provider().name().isEmpty()) {
        f.error("spec.provider.name", "`provider.name` must not be empty");
      }
      for (int i = 0; i < ap.rules().size(); i++) {
        AuthorizationPolicy.Rule rule = ap.rules().get(i);
        String at = index("spec.rules", i);
        for (int j = 0; j < rule.from().size(); j++) {
          AuthorizationPolicy.Source src = rule.from().get(j).source();
          String sat = field(index(field(at, "from"), j), "source");
          if (src != null) {
            customUnsupported(src.namespaces(), field(sat, "namespaces"), "From.Namespaces", f);
            customUnsupported(src.notNamespaces(), field(sat, "notNamespaces"), "From.NotNamespaces", f);
            customUnsupported(src.principals(), field(sat, "principals"), "From.Principals", f);
            customUnsupported(src.notPrincipals(), field(sat, "notPrincipals"), "From.NotPrincipals", f);
            customUnsupported(src.requestPrincipals(), field(sat, "requestPrincipals"), "From.RequestPrincipals", f);
            customUnsupported(src.notRequestPrincipals(), field(sat, "notRequestPrincipals"), "From.NotRequestPrincipals", f);
          }
        }
        for (int j = 0; j < rule.when().size(); j++) {
          String key = rule.when().get(j).key();
          if (key.equals("source.namespace") || key.equals("source.principal") || key.startsWith("request.auth.")) {
            f.error(field(index(field(at, "when"), j), "key"), key + " is currently not supported with CUSTOM action");
          }
        }
      }
    }
    if (ap.provider() != null && ap.action() != Action.CUSTOM) {
      f.error("spec.provider", "`provider` must not be with non CUSTOM action, found " + ap.action());
    }
    if (ap.action() == Action.DENY && !rulesSet) {
      f.error("spec.rules", "DENY action without `rules` is meaningless as it will never be triggered, "
          + "add an empty rule `{}` if you want it be triggered for every request");
    }
    for (int i = 0; i < ap.rules().size(); i++) {
      rule(ap, ap.rules().get(i), i, index("spec.rules", i), f);
    }
    String dryRun = resource.metadata().annotations().get("istio.io/dry-run");
    if (dryRun != null) {
      if (ap.action() != Action.ALLOW && ap.action() != Action.DENY) {
        f.error("metadata.annotations[istio.io/dry-run]",
            "the annotation istio.io/dry-run currently only supports action ALLOW/DENY, found action " + ap.action());
      } else if (!dryRun.equalsIgnoreCase("true") && !dryRun.equalsIgnoreCase("false") && !dryRun.equals("1") && !dryRun.equals("0")) {
        f.error("metadata.annotations[istio.io/dry-run]", "invalid value \"" + dryRun + "\" for annotation istio.io/dry-run", "true or false");
      }
    }
  }

  private static void customUnsupported(List<String> values, String at, String name, Findings f) {
    if (!values.isEmpty()) {
      f.error(at, name + " is currently not supported with CUSTOM action");
    }
  }

  private static void rule(AuthorizationPolicy ap, AuthorizationPolicy.Rule rule, int i, String at, Findings f) {
    if (f.isSet(field(at, "from")) && rule.from().isEmpty()) {
      f.error(field(at, "from"), "`from` must not be empty, found at rule " + i);
    }
    boolean tcpInFrom = false;
    boolean tcpInTo = false;
    boolean fromExists = false;
    boolean toExists = false;
    for (int j = 0; j < rule.from().size(); j++) {
      AuthorizationPolicy.Source src = rule.from().get(j).source();
      String fat = index(field(at, "from"), j);
      if (src == null) {
        f.error(field(fat, "source"), "`from.source` must not be nil, found at rule " + i);
        continue;
      }
      fromExists = true;
      String sat = field(fat, "source");
      if (src.principals().isEmpty() && src.requestPrincipals().isEmpty() && src.namespaces().isEmpty()
          && src.ipBlocks().isEmpty() && src.remoteIpBlocks().isEmpty() && src.notPrincipals().isEmpty()
          && src.notRequestPrincipals().isEmpty() && src.notNamespaces().isEmpty() && src.notIpBlocks().isEmpty()
          && src.notRemoteIpBlocks().isEmpty() && src.serviceAccounts().isEmpty() && src.notServiceAccounts().isEmpty()
          && src.trustDomains().isEmpty() && src.notTrustDomains().isEmpty()) {
        f.error(sat, "`from.source` must not be empty, found at rule " + i);
      }
      boolean accounts = !src.serviceAccounts().isEmpty() || !src.notServiceAccounts().isEmpty();
      if (accounts && (!src.namespaces().isEmpty() || !src.notNamespaces().isEmpty()
          || !src.principals().isEmpty() || !src.notPrincipals().isEmpty())) {
        f.error(sat, "Cannot set serviceAccounts with namespaces or principals");
      }
      ips(src.ipBlocks(), field(sat, "ipBlocks"), f);
      ips(src.notIpBlocks(), field(sat, "notIpBlocks"), f);
      ips(src.remoteIpBlocks(), field(sat, "remoteIpBlocks"), f);
      ips(src.notRemoteIpBlocks(), field(sat, "notRemoteIpBlocks"), f);
      nonEmpty(src.principals(), field(sat, "principals"), f);
      nonEmpty(src.requestPrincipals(), field(sat, "requestPrincipals"), f);
      nonEmpty(src.namespaces(), field(sat, "namespaces"), f);
      nonEmpty(src.notPrincipals(), field(sat, "notPrincipals"), f);
      nonEmpty(src.notRequestPrincipals(), field(sat, "notRequestPrincipals"), f);
      nonEmpty(src.notNamespaces(), field(sat, "notNamespaces"), f);
      nonEmpty(src.trustDomains(), field(sat, "trustDomains"), f);
      nonEmpty(src.notTrustDomains(), field(sat, "notTrustDomains"), f);
      serviceAccounts(src.serviceAccounts(), field(sat, "serviceAccounts"), f);
      serviceAccounts(src.notServiceAccounts(), field(sat, "notServiceAccounts"), f);
      if (!src.notPrincipals().isEmpty() || !src.principals().isEmpty() || !src.ipBlocks().isEmpty()
          || !src.notIpBlocks().isEmpty() || !src.namespaces().isEmpty() || !src.notNamespaces().isEmpty()
          || !src.remoteIpBlocks().isEmpty() || !src.notRemoteIpBlocks().isEmpty() || !src.serviceAccounts().isEmpty()
          || !src.notServiceAccounts().isEmpty()) {
        tcpInFrom = true;
      }
    }
    if (f.isSet(field(at, "to")) && rule.to().isEmpty()) {
      f.error(field(at, "to"), "`to` must not be empty, found at rule " + i);
    }
    for (int j = 0; j < rule.to().size(); j++) {
      AuthorizationPolicy.Operation op = rule.to().get(j).operation();
      String tat = index(field(at, "to"), j);
      if (op == null) {
        f.error(field(tat, "operation"), "`to.operation` must not be nil, found at rule " + i);
        continue;
      }
      toExists = true;
      String oat = field(tat, "operation");
      if (op.ports().isEmpty() && op.methods().isEmpty() && op.paths().isEmpty() && op.hosts().isEmpty()
          && op.notPorts().isEmpty() && op.notMethods().isEmpty() && op.notPaths().isEmpty() && op.notHosts().isEmpty()) {
        f.error(oat, "`to.operation` must not be empty, found at rule " + i);
      }
      ports(op.ports(), field(oat, "ports"), f);
      ports(op.notPorts(), field(oat, "notPorts"), f);
      nonEmpty(op.methods(), field(oat, "methods"), f);
      nonEmpty(op.paths(), field(oat, "paths"), f);
      nonEmpty(op.hosts(), field(oat, "hosts"), f);
      nonEmpty(op.notMethods(), field(oat, "notMethods"), f);
      nonEmpty(op.notPaths(), field(oat, "notPaths"), f);
      nonEmpty(op.notHosts(), field(oat, "notHosts"), f);
      pathTemplates(op.paths(), field(oat, "paths"), f);
      pathTemplates(op.notPaths(), field(oat, "notPaths"), f);
      if (!op.ports().isEmpty() || !op.notPorts().isEmpty()) {
        tcpInTo = true;
      }
    }
    for (int j = 0; j < rule.when().size(); j++) {
      AuthorizationPolicy.Condition c = rule.when().get(j);
      String cat = index(field(at, "when"), j);
      if (c.key().isEmpty()) {
        f.error(field(cat, "key"), "`key` must not be empty");
      } else if (c.values().isEmpty() && c.notValues().isEmpty()) {
        f.error(cat, "at least one of `values` or `notValues` must be set for key " + c.key());
      } else {
        String error = c.values().isEmpty() ? null : Attributes.check(c.key(), c.values());
        if (error != null) {
          f.error(field(cat, "values"), "invalid `value` for `key` " + c.key() + ": " + error);
        }
        error = c.notValues().isEmpty() ? null : Attributes.check(c.key(), c.notValues());
        if (error != null) {
          f.error(field(cat, "notValues"), "invalid `notValue` for `key` " + c.key() + ": " + error);
        }
      }
    }
    if (((fromExists && !toExists && !tcpInFrom) || (toExists && !tcpInTo)) && ap.action() == Action.DENY) {
      f.warning(at, "configured AuthorizationPolicy will deny all traffic to TCP ports under its scope due to the use of"
          + " only HTTP attributes in a DENY rule; it is recommended to explicitly specify the port");
    }
  }

  private static void ips(List<String> values, String at, Findings f) {
    for (int i = 0; i < values.size(); i++) {
      String v = values.get(i);
      if (!Addresses.isIp(v) && !Addresses.isCidr(v)) {
        f.error(index(at, i), "invalid IP address or CIDR range: " + v);
      }
    }
  }

  static void ports(List<String> values, String at, Findings f) {
    for (int i = 0; i < values.size(); i++) {
      String v = values.get(i);
      if (!Attributes.isPort(v)) {
        f.error(index(at, i), "invalid port: " + v, "0..65535");
      }
    }
  }

  private static void nonEmpty(List<String> values, String at, Findings f) {
    for (int i = 0; i < values.size(); i++) {
      if (values.get(i).isEmpty()) {
        f.error(index(at, i), "empty value not allowed");
      }
    }
  }

  private static void serviceAccounts(List<String> values, String at, Findings f) {
    for (int i = 0; i < values.size(); i++) {
      String v = values.get(i);
      String[] parts = v.split("/", -1);
      boolean ok = parts.length <= 2;
      for (String p : parts) {
        ok &= Names.isObjectName(p);
      }
      if (!ok) {
        f.error(index(at, i), "invalid service account \"" + v + "\"", "name or namespace/name");
      }
    }
  }

  /** Path templates use {@code {*}} for one segment and {@code {**}} for several, at most once. */
  private static void pathTemplates(List<String> paths, String at, Findings f) {
    for (int i = 0; i < paths.size(); i++) {
      String p = paths.get(i);
      if (!p.contains("{") && !p.contains("}")) {
        continue;
      }
      String error = null;
      if (!p.startsWith("/")) {
        error = "path template must start with '/'";
      } else {
        int doubles = 0;
        for (String segment : p.substring(1).split("/", -1)) {
          if (segment.contains("{") || segment.contains("}")) {
            if (segment.equals("{**}")) {
              doubles++;
            } else if (!segment.equals("{*}")) {
              error = "invalid path template segment \"" + segment + "\"";
            }
          }
        }
        if (error == null && doubles > 1) {
          error = "path template may contain {**} only once";
        }
      }
      if (error != null) {
        f.error(index(at, i), "invalid path template \"" + p + "\": " + error, "segments of literal text, {*} or {**}");
      }
    }
  }
}
