package io.trellis.api.model.kube;

/** A Kubernetes port protocol; TCP when not written. */
public enum Protocol {
  TCP,
  UDP,
  SCTP
}
