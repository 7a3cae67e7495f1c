package io.trellis.api.model.kube;

import io.trellis.api.model.Frozen;
import io.trellis.api.model.Lenient;
import io.trellis.api.model.Spec;
import java.util.List;

/** A Kubernetes {@code Pod}, bound from the whole object (spec and status). */
@Lenient
public record Pod(PodSpec spec, Status status) implements Spec {

  @Lenient
  public record Status(String phase, String podIP, List<PodIp> podIPs, String hostIP) {
    public Status {
      podIPs = Frozen.list(podIPs);
    }
  }

  @Lenient
  public record PodIp(String ip) {}
}
