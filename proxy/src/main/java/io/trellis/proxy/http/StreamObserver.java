package io.trellis.proxy.http;

/**
 * Sees every finished request's {@link StreamInfo} (response code, flags, timings, upstream): where
 * access logs and telemetry attach. Called on the request's event loop; must not block.
 */
@FunctionalInterface
public interface StreamObserver {
  StreamObserver NONE = info -> {};

  void onComplete(StreamInfo info);
}
