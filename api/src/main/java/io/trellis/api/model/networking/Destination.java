package io.trellis.api.model.networking;

/**
 * Istio's {@code Destination}: a service host (short names are relative to the rule's
 * namespace), an optional subset of a DestinationRule, and an optional port.
 */
public record Destination(String host, String subset, PortSelector port) {}
