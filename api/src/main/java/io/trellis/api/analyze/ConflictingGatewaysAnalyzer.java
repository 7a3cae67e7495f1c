package io.trellis.api.analyze;

import io.trellis.api.model.Resource;
import io.trellis.api.model.networking.Gateway;
import io.trellis.api.validate.HostNames;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Two Gateways that select the same workloads and open the same port for overlapping hosts leave
 * the gateway proxy with two servers for one host and port (IST0145); which one serves is undefined.
 */
public final class ConflictingGatewaysAnalyzer implements Analyzer {

  @Override
  public String name() {
    return "gateway.conflicts";
  }

  @Override
  public void analyze(MeshIndex mesh, Diagnostics out) {
    List<Resource<Gateway>> gateways = mesh.ofType(Gateway.class);
    for (Resource<Gateway> gw : gateways) {
      for (Gateway.Server server : gw.spec().servers()) {
        if (server.port() == null) {
          continue;
        }
        List<String> conflicting = new ArrayList<>();
        TreeSet<String> hosts = new TreeSet<>();
        for (Resource<Gateway> other : gateways) {
          if (other == gw || !other.spec().selector().equals(gw.spec().selector())) {
            continue;
          }
          for (Gateway.Server otherServer : other.spec().servers()) {
            if (otherServer.port() == null || otherServer.port().number() != server.port().number()) {
              continue;
            }
            for (String host : server.hosts()) {
              for (String otherHost : otherServer.hosts()) {
                if (HostNames.matches(bare(host), bare(otherHost))) {
                  hosts.add(bare(host));
                  String name = other.namespace() + "/" + other.name();
                  if (!conflicting.contains(name)) {
                    conflicting.add(name);
                  }
                }
              }
            }
          }
        }
        if (!conflicting.isEmpty()) {
          out.report(MessageType.CONFLICTING_GATEWAYS, gw, "spec.servers",
              "Conflict with gateways " + String.join(",", conflicting) + " (workload selector "
                  + MeshIndex.labels(gw.spec().selector()) + ", port " + server.port().number() + ", hosts "
                  + List.copyOf(hosts) + ").");
        }
      }
    }
  }

  /** The host part of a server host written as {@code ns/host}. */
  private static String bare(String host) {
    int slash = host.indexOf('/');
    return slash < 0 ? host : host.substring(slash + 1);
  }

}
