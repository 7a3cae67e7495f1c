package io.trellis.api.validate;

import static io.trellis.api.model.FieldPath.field;
import static io.trellis.api.model.FieldPath.index;
import static io.trellis.api.model.FieldPath.key;

import io.trellis.api.model.networking.ClientTlsSettings;
import io.trellis.api.model.networking.ConnectionPoolSettings;
import io.trellis.api.model.networking.LoadBalancerSettings;
import io.trellis.api.model.networking.OutlierDetection;
import io.trellis.api.model.networking.TrafficPolicy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Istio's rules for traffic policies (DestinationRule, its subsets, and Sidecar connection pools). */
final class TrafficPolicyValidator {

  private static final Set<String> TOPOLOGY_LABELS =
      Set.of("topology.kubernetes.io/region", "topology.kubernetes.io/zone", "topology.istio.io/subzone");

  private TrafficPolicyValidator() {}

  static void trafficPolicy(TrafficPolicy p, String at, Findings f) {
    if (p == null) {
      return;
    }
    if (p.outlierDetection() == null && p.connectionPool() == null && p.loadBalancer() == null && p.tls() == null
        && !f.isSet(field(at, "portLevelSettings")) && p.tunnel() == null && p.proxyProtocol() == null
        && p.retryBudget() == null) {
      f.error(at, "traffic policy must have at least one field");
      return;
    }
    if (p.tunnel() != null && p.proxyProtocol() != null) {
      f.error(at, "tunnel and proxyProtocol must not be set together");
      return;
    }
    outlier(p.outlierDetection(), field(at, "outlierDetection"), f);
    connectionPool(p.connectionPool(), field(at, "connectionPool"), f);
    loadBalancer(p.loadBalancer(), p.outlierDetection(), field(at, "loadBalancer"), f);
    clientTls(p.tls(), field(at, "tls"), f);
    for (int i = 0; i < p.portLevelSettings().size(); i++) {
      TrafficPolicy.PortTrafficPolicy pp = p.portLevelSettings().get(i);
      String pat = index(field(at, "portLevelSettings"), i);
      if (pp.port() == null) {
        f.error(field(pat, "port"), "portTrafficPolicy must have valid port");
      } else if (!Names.isPort(pp.port().number())) {
        f.error(field(field(pat, "port"), "number"), "port number " + pp.port().number() + " must be in the range 1..65535", "1..65535");
      }
      if (pp.outlierDetection() == null && pp.connectionPool() == null && pp.loadBalancer() == null && pp.tls() == null) {
        f.error(pat, "port traffic policy must have at least one field");
      } else {
        outlier(pp.outlierDetection(), field(pat, "outlierDetection"), f);
        connectionPool(pp.connectionPool(), field(pat, "connectionPool"), f);
        loadBalancer(pp.loadBalancer(), pp.outlierDetection(), field(pat, "loadBalancer"), f);
        clientTls(pp.tls(), field(pat, "tls"), f);
      }
    }
    TrafficPolicy.TunnelSettings tunnel = p.tunnel();
    if (tunnel != null) {
      String tat = field(at, "tunnel");
      if (!tunnel.protocol().isEmpty() && !tunnel.protocol().equals("CONNECT") && !tunnel.protocol().equals("POST")) {
        f.error(field(tat, "protocol"), "tunnel protocol must be \"CONNECT\" or \"POST\"", "CONNECT or POST");
      }
      if (Names.checkFqdn(tunnel.targetHost()) != null && !Addresses.isIp(tunnel.targetHost())) {
        f.error(field(tat, "targetHost"), "tunnel target host must be valid FQDN or IP address");
      }
      if (!Names.isPort(tunnel.targetPort())) {
        f.error(field(tat, "targetPort"), "tunnel target port is invalid: " + tunnel.targetPort(), "1..65535");
      }
    }
    TrafficPolicy.RetryBudget budget = p.retryBudget();
    if (budget != null && budget.percent() != null && (budget.percent() < 0 || budget.percent() > 100)) {
      f.error(field(field(at, "retryBudget"), "percent"), "retry budget percent " + budget.percent() + " out of range", "0.0..100.0");
    }
  }

  static void outlier(OutlierDetection o, String at, Findings f) {
    if (o == null) {
      return;
    }
    Durations.check(o.baseEjectionTime(), field(at, "baseEjectionTime"), f);
    if (o.consecutiveErrors() != 0) {
      f.warning(field(at, "consecutiveErrors"),
          "outlier detection consecutive errors is deprecated, use consecutiveGatewayErrors or consecutive5xxErrors instead");
    }
    if (!o.splitExternalLocalOriginErrors() && o.consecutiveLocalOriginFailures() != null && o.consecutiveLocalOriginFailures() > 0) {
      f.error(field(at, "consecutiveLocalOriginFailures"),
          "outlier detection consecutive local origin failures is specified, but split external local origin errors is set to false");
    }
    Durations.check(o.interval(), field(at, "interval"), f);
    percent(o.maxEjectionPercent(), field(at, "maxEjectionPercent"), f);
    percent(o.minHealthPercent(), field(at, "minHealthPercent"), f);
  }

  private static void percent(int value, String at, Findings f) {
    if (value < 0 || value > 100) {
      f.error(at, "percentage " + value + " is not in range 0..100", "0..100");
    }
  }

  static void connectionPool(ConnectionPoolSettings s, String at, Findings f) {
    if (s == null) {
      return;
    }
    if (s.http() == null && s.tcp() == null) {
      f.error(at, "connection pool must have at least one field");
      return;
    }
    ConnectionPoolSettings.HttpSettings h = s.http();
    if (h != null) {
      String hat = field(at, "http");
      nonNegative(h.http1MaxPendingRequests(), field(hat, "http1MaxPendingRequests"), "http1 max pending requests", f);
      nonNegative(h.http2MaxRequests(), field(hat, "http2MaxRequests"), "http2 max requests", f);
      nonNegative(h.maxRequestsPerConnection(), field(hat, "maxRequestsPerConnection"), "max requests per connection", f);
      nonNegative(h.maxRetries(), field(hat, "maxRetries"), "max retries", f);
      nonNegative(h.maxConcurrentStreams(), field(hat, "maxConcurrentStreams"), "max concurrent streams", f);
      Durations.check(h.idleTimeout(), field(hat, "idleTimeout"), f);
      if (h.h2UpgradePolicy() == ConnectionPoolSettings.HttpSettings.H2UpgradePolicy.UPGRADE && h.useClientProtocol()) {
        f.error(field(hat, "useClientProtocol"), "use client protocol must not be true when H2UpgradePolicy is UPGRADE");
      }
      if (h.http2KeepAlive() != null) {
        Durations.check(h.http2KeepAlive().interval(), field(field(hat, "http2KeepAlive"), "interval"), f);
        Durations.check(h.http2KeepAlive().timeout(), field(field(hat, "http2KeepAlive"), "timeout"), f);
      }
    }
    ConnectionPoolSettings.TcpSettings t = s.tcp();
    if (t != null) {
      String tat = field(at, "tcp");
      nonNegative(t.maxConnections(), field(tat, "maxConnections"), "max connections", f);
      Durations.check(t.connectTimeout(), field(tat, "connectTimeout"), f);
      Durations.check(t.maxConnectionDuration(), field(tat, "maxConnectionDuration"), f);
      Durations.check(t.idleTimeout(), field(tat, "idleTimeout"), f);
      if (t.tcpKeepalive() != null) {
        Durations.check(t.tcpKeepalive().time(), field(field(tat, "tcpKeepalive"), "time"), f);
        Durations.check(t.tcpKeepalive().interval(), field(field(tat, "tcpKeepalive"), "interval"), f);
      }
    }
  }

  private static void nonNegative(int value, String at, String what, Findings f) {
    if (value < 0) {
      f.error(at, what + " must be non-negative", ">= 0");
    }
  }

  static void loadBalancer(LoadBalancerSettings lb, OutlierDetection outlier, String at, Findings f) {
    if (lb == null) {
      return;
    }
    LoadBalancerSettings.ConsistentHashLb ch = lb.consistentHash();
    if (ch != null) {
      String cat = field(at, "consistentHash");
      if (ch.httpCookie() != null && ch.httpCookie().name().isEmpty()) {
        f.error(field(field(cat, "httpCookie"), "name"), "name required for HttpCookie");
      }
      if (ch.minimumRingSize() != 0) {
        f.warning(field(cat, "minimumRingSize"),
            "consistent hash MinimumRingSize is deprecated, use ConsistentHashLB's RingHash configuration instead");
        if (ch.ringHash() != null || ch.maglev() != null) {
          f.error(cat, "only one of MinimumRingSize or Maglev/Ringhash can be specified");
        }
      }
      if (ch.maglev() != null) {
        long size = ch.maglev().tableSize();
        String mat = field(field(cat, "maglev"), "tableSize");
        if (size == 0) {
          f.error(mat, "tableSize must be set for maglev");
        }
        if (size >= 5000011) {
          f.error(mat, "tableSize must be less than 5000011 for maglev", "< 5000011");
        }
        if (!isPrime(size)) {
          f.error(mat, "tableSize must be a prime number for maglev");
        }
      }
    }
    locality(lb.localityLbSetting(), outlier, field(at, "localityLbSetting"), f);
    Durations.check(lb.warmupDurationSecs(), field(at, "warmupDurationSecs"), f);
    LoadBalancerSettings.WarmupConfiguration w = lb.warmup();
    if (w != null) {
      String wat = field(at, "warmup");
      if (w.duration() == null) {
        f.error(field(wat, "duration"), "required value", "a duration");
      } else {
        Durations.check(w.duration(), field(wat, "duration"), f);
      }
      if (w.minimumPercent() != null && (w.minimumPercent() < 0 || w.minimumPercent() > 100)) {
        f.error(field(wat, "minimumPercent"), "invalid value " + w.minimumPercent(), "0.0..100.0");
      }
      if (w.aggression() != null && w.aggression() < 1) {
        f.error(field(wat, "aggression"), "invalid value " + w.aggression(), ">= 1.0");
      }
    }
  }

  /** Envoy's primality test for Maglev table sizes. */
  private static boolean isPrime(long x) {
    if (x != 0 && x < 4) {
      return true;
    }
    if ((x & 1) == 0) {
      return false;
    }
    long limit = (long) Math.sqrt((double) x);
    for (long factor = 3; factor <= limit; factor += 2) {
      if (x % factor == 0) {
        return false;
      }
    }
    return true;
  }

  private static void locality(
      LoadBalancerSettings.LocalityLoadBalancerSetting lb, OutlierDetection outlier, String at, Findings f) {
    if (lb == null) {
      return;
    }
    if (!lb.distribute().isEmpty() && !lb.failover().isEmpty()) {
      f.error(at, "can not simultaneously specify 'distribute' and 'failover'");
      return;
    }
    if (!lb.failover().isEmpty()) {
      for (String label : lb.failoverPriority()) {
        if (TOPOLOGY_LABELS.contains(label)) {
          f.error(field(at, "failoverPriority"),
              "can not simultaneously set 'failover' and topology label '" + label + "' in 'failover_priority'");
          return;
        }
      }
    }
    List<String> sources = new ArrayList<>();
    for (int i = 0; i < lb.distribute().size(); i++) {
      LoadBalancerSettings.LocalityLoadBalancerSetting.Distribute d = lb.distribute().get(i);
      String dat = index(field(at, "distribute"), i);
      sources.add(d.from());
      int total = 0;
      for (Map.Entry<String, Integer> e : d.to().entrySet()) {
        if (e.getValue() <= 0 || e.getValue() > 100) {
          f.error(key(field(dat, "to"), e.getKey()), "locality weight must be in range [1, 100]", "1..100");
          return;
        }
        total += e.getValue();
      }
      if (total != 100) {
        f.error(field(dat, "to"), "total locality weight " + total + " != 100", "a sum of 100");
        return;
      }
      f.errorIf(field(dat, "to"), localities(new ArrayList<>(d.to().keySet())));
    }
    f.errorIf(field(at, "distribute"), localities(sources));
    if ((!lb.failover().isEmpty() || !lb.failoverPriority().isEmpty()) && outlier == null) {
      f.warning(at, "outlier detection policy must be provided for failover");
    }
    for (int i = 0; i < lb.failover().size(); i++) {
      LoadBalancerSettings.LocalityLoadBalancerSetting.Failover fo = lb.failover().get(i);
      String fat = index(field(at, "failover"), i);
      if (fo.from().equals(fo.to())) {
        f.error(fat, "locality lb failover settings must specify different regions");
      }
      if (fo.from().contains("/") || fo.to().contains("/")) {
        f.error(fat, "locality lb failover only specify region");
      }
      if (fo.from().contains("*") || fo.to().contains("*")) {
        f.error(fat, "locality lb failover region should not contain '*' wildcard");
      }
    }
  }

  /** Localities region[/zone[/subzone]], a trailing '*' allowed, none overlapping another. */
  private static String localities(List<String> localities) {
    Map<String, Map<String, Set<String>>> seen = new HashMap<>();
    for (String locality : localities) {
      long stars = locality.chars().filter(c -> c == '*').count();
      if (stars > 1 || (stars == 1 && !locality.endsWith("*"))) {
        return "locality " + locality + " wildcard '*' number can not exceed 1 and must be in the end";
      }
      if (seen.containsKey("*")) {
        return "locality " + locality + " overlap with previous specified ones";
      }
      String[] items = locality.split("/", 3);
      for (String item : items) {
        if (item.isEmpty()) {
          return "locality " + locality + " must not contain empty region/zone/subzone info";
        }
      }
      String region = items[0];
      Map<String, Set<String>> zones = seen.get(region);
      switch (items.length) {
        case 1 -> {
          if (zones != null) {
            return "locality " + locality + " overlap with previous specified ones";
          }
          seen.put(region, new HashMap<>(Map.of("*", new java.util.HashSet<>(Set.of("*")))));
        }
        case 2 -> {
          if (zones != null && (zones.containsKey("*") || zones.containsKey(items[1]))) {
            return "locality " + locality + " overlap with previous specified ones";
          }
          seen.computeIfAbsent(region, r -> new HashMap<>()).put(items[1], new java.util.HashSet<>(Set.of("*")));
        }
        default -> {
          if (zones != null) {
            if (zones.containsKey("*")) {
              return "locality " + locality + " overlap with previous specified ones";
            }
            Set<String> subzones = zones.get(items[1]);
            if (subzones != null && (subzones.contains("*") || subzones.contains(items[2]))) {
              return "locality " + locality + " overlap with previous specified ones";
            }
          }
          seen.computeIfAbsent(region, r -> new HashMap<>()).computeIfAbsent(items[1], z -> new java.util.HashSet<>()).add(items[2]);
        }
      }
    }
    return null;
  }

  static void clientTls(ClientTlsSettings tls, String at, Findings f) {
    if (tls == null) {
      return;
    }
    boolean skipVerify = Boolean.TRUE.equals(tls.insecureSkipVerify());
    if (skipVerify) {
      if (tls.mode() == ClientTlsSettings.TlsMode.SIMPLE
          && (!tls.caCertificates().isEmpty() || !tls.credentialName().isEmpty() || f.isSet(field(at, "subjectAltNames")))) {
        f.error(at, "cannot specify CaCertificates or CredentialName or SubjectAltNames when InsecureSkipVerify is set true");
      }
      if (tls.mode() == ClientTlsSettings.TlsMode.MUTUAL && (!tls.caCertificates().isEmpty() || f.isSet(field(at, "subjectAltNames")))) {
        f.error(at, "cannot specify CaCertificates or SubjectAltNames when InsecureSkipVerify is set true");
      }
    }
    boolean simpleOrMutual = tls.mode() == ClientTlsSettings.TlsMode.SIMPLE || tls.mode() == ClientTlsSettings.TlsMode.MUTUAL;
    if (simpleOrMutual && !tls.credentialName().isEmpty()) {
      if (!tls.clientCertificate().isEmpty() || !tls.caCertificates().isEmpty() || !tls.privateKey().isEmpty() || !tls.caCrl().isEmpty()) {
        f.error(at, "cannot specify client certificates or CA certificate or CA CRL If credentialName is set");
      }
      return;
    }
    if (tls.mode() == ClientTlsSettings.TlsMode.MUTUAL) {
      if (tls.clientCertificate().isEmpty()) {
        f.error(field(at, "clientCertificate"), "client certificate required for mutual tls");
      }
      if (tls.privateKey().isEmpty()) {
        f.error(field(at, "privateKey"), "private key required for mutual tls");
      }
    }
  }
}
