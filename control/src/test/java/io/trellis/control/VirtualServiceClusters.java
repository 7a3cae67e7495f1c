package io.trellis.control;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.trellis.api.model.networking.VirtualService;
import io.trellis.control.config.ConfigSnapshot;
import io.trellis.control.push.XdsGeneratorFactory;
import io.trellis.control.xds.XdsGenerator;
import io.trellis.control.xds.XdsResources;

/**
 * A deliberately tiny translation for composition tests (test code only): one EDS cluster per
 * VirtualService destination subset, named like Istio's {@code outbound|80|SUBSET|HOST}.
 */
final class VirtualServiceClusters implements XdsGeneratorFactory {
  @Override
  public XdsGenerator create(ConfigSnapshot snapshot) {
    XdsResources.Builder b = XdsResources.builder();
    for (var vs : snapshot.ofType(VirtualService.class)) {
      for (var http : vs.spec().http()) {
        for (var route : http.route()) {
          String host = route.destination().host();
          String fqdn = host.contains(".") ? host : host + "." + vs.namespace() + ".svc.cluster.local";
          b.add(
              Cluster.newBuilder()
                  .setName("outbound|80|" + route.destination().subset() + "|" + fqdn)
                  .setType(Cluster.DiscoveryType.EDS)
                  .build());
        }
      }
    }
    XdsResources resources = b.build();
    return node -> resources;
  }
}
