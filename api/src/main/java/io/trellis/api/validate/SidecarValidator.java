package io.trellis.api.validate;

import static io.trellis.api.model.FieldPath.field;
import static io.trellis.api.model.FieldPath.index;

import io.trellis.api.model.Resource;
import io.trellis.api.model.networking.ServerTlsSettings;
import io.trellis.api.model.networking.Sidecar;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** Istio's Sidecar rules: listeners, binds, capture modes, egress hosts, outbound policy. */
final class SidecarValidator {

  private SidecarValidator() {}

  static void validate(Resource<Sidecar> resource, Findings f) {
    Sidecar sc = resource.spec();
    if (sc.workloadSelector() != null) {
      PolicyScope.checkLabels(sc.workloadSelector().labels(), "spec.workloadSelector.labels", f);
      if (sc.workloadSelector().labels().isEmpty()) {
        f.warning("spec.workloadSelector", "sidecar: workload selector specified without labels, will be applied to all services in namespace");
      }
    }
    if (sc.egress().isEmpty() && sc.ingress().isEmpty() && sc.outboundTrafficPolicy() == null && sc.inboundConnectionPool() == null) {
      f.error("spec", "sidecar: empty configuration provided");
      return;
    }
    Set<Integer> ports = new HashSet<>();
    for (int i = 0; i < sc.ingress().size(); i++) {
      Sidecar.IstioIngressListener in = sc.ingress().get(i);
      String at = index("spec.ingress", i);
      if (in.port() == null) {
        f.error(field(at, "port"), "sidecar: port is required for ingress listeners");
        continue;
      }
      if (in.port().targetPort() > 0) {
        f.error(field(field(at, "port"), "targetPort"), "targetPort has no impact on Sidecars");
      }
      port(in.port(), field(at, "port"), f);
      bind(in.bind(), field(at, "bind"), f);
      if (!ports.add(in.port().number())) {
        f.error(field(at, "port"), "sidecar: ports on IP bound listeners must be unique");
      }
      defaultEndpoint(in.defaultEndpoint(), field(at, "defaultEndpoint"), f);
      ServerTlsSettings tls = in.tls();
      if (tls != null) {
        String tat = field(at, "tls");
        if (!tls.subjectAltNames().isEmpty()) {
          f.error(field(tat, "subjectAltNames"), "sidecar: subjectAltNames is not supported in ingress tls");
        }
        if (tls.httpsRedirect()) {
          f.error(field(tat, "httpsRedirect"), "sidecar: httpsRedirect is not supported");
        }
        if (!tls.credentialName().isEmpty()) {
          f.error(field(tat, "credentialName"), "sidecar: credentialName is not currently supported");
        }
        if (tls.mode() == ServerTlsSettings.TlsMode.ISTIO_MUTUAL || tls.mode() == ServerTlsSettings.TlsMode.AUTO_PASSTHROUGH) {
          f.error(field(tat, "mode"), "configuration is invalid: cannot set mode to " + tls.mode() + " in sidecar ingress tls");
        }
        ServerTlsValidator.validate(tls, tat, f);
      }
      TrafficPolicyValidator.connectionPool(in.connectionPool(), field(at, "connectionPool"), f);
      if (in.connectionPool() != null && in.connectionPool().http() != null && !Protocols.isHttp(in.port().protocol())) {
        f.warning(field(at, "connectionPool"), "sidecar: HTTP connection pool settings are configured for port "
            + in.port().number() + " (\"" + in.port().name() + "\") but its protocol is not HTTP (" + in.port().protocol()
            + "); only TCP settings will apply");
      }
    }
    TrafficPolicyValidator.connectionPool(sc.inboundConnectionPool(), "spec.inboundConnectionPool", f);

    ports.clear();
    Set<String> uds = new HashSet<>();
    boolean catchAll = false;
    for (int i = 0; i < sc.egress().size(); i++) {
      Sidecar.IstioEgressListener eg = sc.egress().get(i);
      String at = index("spec.egress", i);
      if (eg.port() == null) {
        if (!catchAll) {
          if (i == sc.egress().size() - 1) {
            catchAll = true;
          } else {
            f.error(at, "sidecar: the egress listener with empty port should be the last listener in the list");
          }
        } else {
          f.error(at, "sidecar: egress can have only one listener with empty port");
          continue;
        }
      } else {
        if (eg.port().targetPort() > 0) {
          f.error(field(field(at, "port"), "targetPort"), "targetPort has no impact on Sidecars");
        }
        if (!eg.port().name().isEmpty()) {
          f.errorIf(field(field(at, "port"), "name"), Names.checkPortName(eg.port().name()));
        }
        f.errorIf(field(field(at, "port"), "protocol"), Protocols.check(eg.port().protocol()));
        if (eg.port().number() == 0) {
          if (!eg.bind().startsWith(Addresses.UNIX_PREFIX)) {
            f.error(field(at, "bind"), "sidecar: ports with 0 value must have a unix domain socket bind address");
          } else {
            f.errorIf(field(at, "bind"), Addresses.checkUnixAddress(eg.bind().substring(Addresses.UNIX_PREFIX.length())));
          }
          if (eg.captureMode() != Sidecar.CaptureMode.DEFAULT && eg.captureMode() != Sidecar.CaptureMode.NONE) {
            f.error(field(at, "captureMode"), "sidecar: captureMode must be DEFAULT/NONE for unix domain socket listeners");
          }
          if (!uds.add(eg.bind())) {
            f.error(field(at, "bind"), "sidecar: unix domain socket values for listeners must be unique");
          }
        } else {
          if (!Names.isPort(eg.port().number())) {
            f.error(field(field(at, "port"), "number"), "port number " + eg.port().number() + " must be in the range 1..65535", "1..65535");
          }
          bind(eg.bind(), field(at, "bind"), f);
          if (!ports.add(eg.port().number())) {
            f.error(field(at, "port"), "sidecar: ports on IP bound listeners must be unique");
          }
        }
      }
      if (eg.hosts().isEmpty()) {
        f.error(field(at, "hosts"), "sidecar: egress listener must contain at least one host");
        continue;
      }
      Map<String, Set<String>> byNamespace = new HashMap<>();
      for (int h = 0; h < eg.hosts().size(); h++) {
        String host = eg.hosts().get(h);
        String hat = index(field(at, "hosts"), h);
        int slash = host.indexOf('/');
        if (slash >= 0) {
          String ns = host.substring(0, slash);
          String svc = host.substring(slash + 1);
          if (ns.equals(".")) {
            ns = resource.namespace();
          }
          Set<String> svcs = byNamespace.computeIfAbsent(ns, n -> new HashSet<>());
          if (svc.equals("*") ? !svcs.isEmpty() : (svcs.contains(svc) || svcs.contains("*"))) {
            f.warning(hat, "duplicated egress host: " + host);
          }
          svcs.add(svc);
        }
        namespacedHost(host, false, hat, f);
      }
      if (byNamespace.getOrDefault("*", Set.of()).contains("*") && byNamespace.size() != 1) {
        f.warning(field(at, "hosts"), "`*/*` host select all resources, no other hosts can be added");
      }
    }
    Sidecar.OutboundTrafficPolicy otp = sc.outboundTrafficPolicy();
    if (otp != null && otp.egressProxy() != null) {
      String at = "spec.outboundTrafficPolicy.egressProxy";
      if (otp.mode() != Sidecar.OutboundTrafficPolicy.Mode.ALLOW_ANY) {
        f.error(at, "sidecar: egress_proxy must be set only with ALLOW_ANY outbound_traffic_policy mode");
      } else {
        f.errorIf(field(at, "host"), Names.checkFqdn(otp.egressProxy().host()));
        if (otp.egressProxy().port() == null) {
          f.error(field(at, "port"), "sidecar: egress_proxy port must be non-nil");
        } else {
          VirtualServiceValidator.destination(otp.egressProxy(), at, f);
        }
      }
    }
  }

  private static void port(Sidecar.SidecarPort port, String at, Findings f) {
    if (!port.name().isEmpty()) {
      f.errorIf(field(at, "name"), Names.checkPortName(port.name()));
    }
    f.errorIf(field(at, "protocol"), Protocols.check(port.protocol()));
    if (!Names.isPort(port.number())) {
      f.error(field(at, "number"), "port number " + port.number() + " must be in the range 1..65535", "1..65535");
    }
  }

  private static void bind(String bind, String at, Findings f) {
    if (!bind.isEmpty() && !Addresses.isIp(bind)) {
      f.error(at, bind + " is not a valid IP");
    }
  }

  private static void defaultEndpoint(String endpoint, String at, Findings f) {
    if (endpoint.isEmpty()) {
      return;
    }
    if (endpoint.startsWith(Addresses.UNIX_PREFIX)) {
      f.errorIf(at, Addresses.checkUnixAddress(endpoint.substring(Addresses.UNIX_PREFIX.length())));
      return;
    }
    int colon = endpoint.lastIndexOf(':');
    if (colon < 0) {
      f.error(at, "address " + endpoint + ": missing port in address");
      return;
    }
    String host = endpoint.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    String port = endpoint.substring(colon + 1);
    if (!host.isEmpty() && !Set.of("127.0.0.1", "0.0.0.0", "::1", "::").contains(host)) {
      f.error(at, "sidecar: defaultEndpoint must be of form 127.0.0.1:<port>,0.0.0.0:<port>,[::1]:port,[::]:port,unix://filepath or unset");
    }
    try {
      int p = Integer.parseInt(port);
      if (!Names.isPort(p)) {
        f.error(at, "port number " + p + " must be in the range 1..65535", "1..65535");
      }
    } catch (NumberFormatException e) {
      f.error(at, "sidecar: defaultEndpoint port (" + port + ") is not a number");
    }
  }

  /** A host of form {@code namespace/dnsName} (Sidecar egress, Gateway servers; Gateways also accept the bare name). */
  static void namespacedHost(String hostname, boolean gateway, String at, Findings f) {
    int slash = hostname.indexOf('/');
    if (slash < 0) {
      if (gateway) {
        hostPart(hostname, true, at, f);
      } else {
        f.error(at, "host must be of form namespace/dnsName");
      }
      return;
    }
    String ns = hostname.substring(0, slash);
    String name = hostname.substring(slash + 1);
    if (ns.isEmpty() || name.isEmpty()) {
      f.error(at, "config namespace and dnsName in host entry cannot be empty");
    }
    boolean specialNs = ns.equals("*") || ns.equals(".") || (!gateway && ns.equals("~"));
    if (!specialNs && !Names.isDnsLabel(ns)) {
      f.error(at, "invalid namespace value \"" + ns + "\" in " + (gateway ? "gateway" : "sidecar"));
    }
    hostPart(name, gateway, at, f);
  }

  private static void hostPart(String hostname, boolean gateway, String at, Findings f) {
    if (!hostname.equals("*") && !hostname.contains(".")) {
      f.error(at, "short names (non FQDN) are not allowed");
    }
    String error = Names.checkWildcardDomain(hostname);
    if (error != null && !(gateway && Addresses.isIp(hostname))) {
      f.error(at, error);
    }
    f.errorIf(at, Names.checkPartialWildcard(hostname));
  }
}
