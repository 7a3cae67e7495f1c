package io.trellis.api.model.security;

import io.trellis.api.model.Frozen;
import io.trellis.api.model.PolicyTargetReference;
import io.trellis.api.model.Spec;
import io.trellis.api.model.WorkloadSelector;
import java.util.List;

/** The spec of an Istio {@code AuthorizationPolicy}: access control on workloads. */
public record AuthorizationPolicy(
    WorkloadSelector selector,
    PolicyTargetReference targetRef,
    List<PolicyTargetReference> targetRefs,
    List<Rule> rules,
    Action action,
    ExtensionProvider provider)
    implements Spec {
  public AuthorizationPolicy {
    targetRefs = Frozen.list(targetRefs);
    rules = Frozen.list(rules);
  }


  public enum Action {
    ALLOW,
    DENY,
    AUDIT,
    CUSTOM
  }

  /** The external authorizer of a CUSTOM policy, by mesh-config provider name. */
  public record ExtensionProvider(String name) {}

  /** Matches a request when all of its parts (from, to, when) match. */
  public record Rule(List<From> from, List<To> to, List<Condition> when) {
    public Rule {
      from = Frozen.list(from);
      to = Frozen.list(to);
      when = Frozen.list(when);
    }


    public record From(Source source) {}

    public record To(Operation operation) {}
  }

  /** The peer and request identities a rule matches. */
  public record Source(
      List<String> principals,
      List<String> notPrincipals,
      List<String> requestPrincipals,
      List<String> notRequestPrincipals,
      List<String> namespaces,
      List<String> notNamespaces,
      List<String> serviceAccounts,
      List<String> notServiceAccounts,
      List<String> ipBlocks,
      List<String> notIpBlocks,
      List<String> remoteIpBlocks,
      List<String> notRemoteIpBlocks,
      List<String> trustDomains,
      List<String> notTrustDomains) {
    public Source {
      principals = Frozen.list(principals);
      notPrincipals = Frozen.list(notPrincipals);
      requestPrincipals = Frozen.list(requestPrincipals);
      notRequestPrincipals = Frozen.list(notRequestPrincipals);
      namespaces = Frozen.list(namespaces);
      notNamespaces = Frozen.list(notNamespaces);
      serviceAccounts = Frozen.list(serviceAccounts);
      notServiceAccounts = Frozen.list(notServiceAccounts);
      ipBlocks = Frozen.list(ipBlocks);
      notIpBlocks = Frozen.list(notIpBlocks);
      remoteIpBlocks = Frozen.list(remoteIpBlocks);
      notRemoteIpBlocks = Frozen.list(notRemoteIpBlocks);
      trustDomains = Frozen.list(trustDomains);
      notTrustDomains = Frozen.list(notTrustDomains);
    }
  }

  /** The request properties a rule matches. */
  public record Operation(
      List<String> hosts,
      List<String> notHosts,
      List<String> ports,
      List<String> notPorts,
      List<String> methods,
      List<String> notMethods,
      List<String> paths,
      List<String> notPaths) {
    public Operation {
      hosts = Frozen.list(hosts);
      notHosts = Frozen.list(notHosts);
      ports = Frozen.list(ports);
      notPorts = Frozen.list(notPorts);
      methods = Frozen.list(methods);
      notMethods = Frozen.list(notMethods);
      paths = Frozen.list(paths);
      notPaths = Frozen.list(notPaths);
    }
  }

  /** An attribute condition, such as {@code request.headers[x-token]} in values. */
  public record Condition(String key, List<String> values, List<String> notValues) {
    public Condition {
      values = Frozen.list(values);
      notValues = Frozen.list(notValues);
    }
  }
}
