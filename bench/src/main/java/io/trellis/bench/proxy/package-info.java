/**
 * {@code trellis bench proxy}: one origin, then each target in turn (direct, Trellis, nginx,
 * HAProxy) under the same loads, with the proxy alone on one core and everything else on the
 * other, so that the proxy's own cost is what the numbers show — and the run says so when it is not.
 */
package io.trellis.bench.proxy;
