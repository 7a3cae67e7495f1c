package io.trellis.api.model.networking;

/** Istio's {@code Percent}: a percentage in 0.0..100.0. */
public record Percent(double value) {}
