package io.trellis.api.model.networking;

/** Istio's {@code PortSelector}: a port number on a destination service. 0 means unset. */
public record PortSelector(int number) {}
