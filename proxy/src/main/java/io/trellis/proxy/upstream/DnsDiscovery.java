package io.trellis.proxy.upstream;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import io.trellis.proxy.config.cluster.ClusterConfig;
import io.trellis.proxy.config.cluster.DiscoveryType;
import io.trellis.proxy.config.cluster.LbEndpoint;
import io.trellis.proxy.config.cluster.LocalityLbEndpoints;
import io.trellis.proxy.dns.DnsAnswer;
import io.trellis.proxy.dns.DnsResolver;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a DNS cluster's hosts in step with DNS, on the control loop. STRICT_DNS: every address of
 * every endpoint's name is a host, and a refresh adds and removes hosts as the answers change.
 * LOGICAL_DNS: one host whose address follows the name's first answer, so open connections stay
 * where they are and new ones go to the current address. A failed lookup keeps the last good hosts.
 * The cluster is warm after the first round of lookups, answered or not, as in Envoy.
 */
final class DnsDiscovery {
  private final ClusterRuntime cluster;
  private final ClusterConfig config;
  private final DnsResolver resolver;
  private final EventLoop loop;
  private final List<Target> targets = new ArrayList<>();
  private ScheduledFuture<?> next;
  private boolean stopped;

  /** One endpoint to resolve, with the answer last used for it. */
  private static final class Target {
    final LocalityLbEndpoints locality;
    final LbEndpoint endpoint;
    List<InetAddress> addresses = List.of();

    Target(LocalityLbEndpoints locality, LbEndpoint endpoint) {
      this.locality = locality;
      this.endpoint = endpoint;
    }
  }

  DnsDiscovery(ClusterRuntime cluster, ClusterConfig config, DnsResolver resolver, EventLoop loop) {
    this.cluster = cluster;
    this.config = config;
    this.resolver = resolver;
    this.loop = loop;
    for (LocalityLbEndpoints l : config.loadAssignment().localities()) {
      for (LbEndpoint e : l.endpoints()) {
        targets.add(new Target(l, e));
      }
    }
  }

  void start() {
    loop.execute(this::refresh);
  }

  void stop() {
    loop.execute(() -> {
      stopped = true;
      if (next != null) {
        next.cancel(false);
      }
    });
  }

  private void refresh() {
    if (stopped) {
      return;
    }
    if (targets.isEmpty()) {
      cluster.updateMembership(List.of(), config.loadAssignment().overprovisioningFactor());
      cluster.markWarm();
      return;
    }
    cluster.stats().updateAttempt.inc();
    int[] outstanding = {targets.size()};
    int[] failed = {0};
    Duration[] minTtl = {null};
    for (Target t : targets) {
      resolver.resolve(t.endpoint.address(), config.dnsLookupFamily()).addListener((Future<DnsAnswer> f) -> {
        if (f.isSuccess()) {
          t.addresses = f.getNow().addresses();
          Duration ttl = f.getNow().ttl();
          if (ttl != null && (minTtl[0] == null || ttl.compareTo(minTtl[0]) < 0)) {
            minTtl[0] = ttl;
          }
        } else {
          failed[0]++; // keep the last good answer
        }
        if (--outstanding[0] == 0) {
          (failed[0] == 0 ? cluster.stats().updateSuccess : cluster.stats().updateFailure).inc();
          roundDone(minTtl[0]);
        }
      });
    }
  }

  /** A host of a DNS cluster is named by the name it was resolved from, unless the endpoint names it. */
  private static HostSpec spec(Target t, InetAddress address) {
    LbEndpoint e = t.endpoint;
    String hostname = e.hostname().isEmpty() ? e.address() : e.hostname();
    return new HostSpec(new InetSocketAddress(address, e.port()), hostname, t.locality.locality(), e.lbMetadata(),
        t.locality.priority(), t.locality.loadBalancingWeight(), e.loadBalancingWeight(), e.healthStatus());
  }

  private void roundDone(Duration ttl) {
    if (stopped) {
      return;
    }
    if (config.type() == DiscoveryType.LOGICAL_DNS) {
      Target t = targets.getFirst();
      if (!t.addresses.isEmpty()) {
        cluster.setLogicalAddress(spec(t, t.addresses.getFirst()));
      }
    } else {
      List<HostSpec> specs = new ArrayList<>();
      for (Target t : targets) {
        for (InetAddress a : t.addresses) {
          specs.add(spec(t, a));
        }
      }
      cluster.updateMembership(specs, config.loadAssignment().overprovisioningFactor());
    }
    cluster.markWarm();
    Duration wait = config.respectDnsTtl() && ttl != null && !ttl.isZero() ? ttl : config.dnsRefreshRate();
    next = loop.schedule(this::refresh, wait.toMillis(), TimeUnit.MILLISECONDS);
  }
}
