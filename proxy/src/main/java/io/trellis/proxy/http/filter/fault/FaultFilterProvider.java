package io.trellis.proxy.http.filter.fault;

import io.trellis.proxy.http.filter.FilterContext;
import io.trellis.proxy.http.filter.HttpFilterFactory;
import io.trellis.proxy.http.filter.HttpFilterProvider;
import io.trellis.proxy.stats.Counter;
import io.trellis.proxy.stats.Gauge;
import java.util.concurrent.atomic.AtomicInteger;

/** Registers the fault filter under Envoy's type URL for {@code HTTPFault}. */
public final class FaultFilterProvider implements HttpFilterProvider {

  public static final String TYPE_URL = "type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault";

  @Override
  public String typeUrl() {
    return TYPE_URL;
  }

  @Override
  public HttpFilterFactory factory(String filterName, Object typedConfig, FilterContext context) {
    FaultConfig config;
    if (typedConfig == null) {
      config = null; // every fault comes from routes' per-filter config, as Istio configures it
    } else if (typedConfig instanceof FaultConfig c) {
      config = c;
    } else {
      throw new IllegalArgumentException(
          "typed_config: " + typedConfig.getClass().getSimpleName() + " (expected: FaultConfig)");
    }
    String prefix = "http." + context.statPrefix() + ".fault.";
    Stats stats = new Stats(
        context.stats().counter(prefix + "delays_injected"),
        context.stats().counter(prefix + "aborts_injected"),
        context.stats().counter(prefix + "faults_overflow"),
        context.stats().gauge(prefix + "active_faults"),
        new AtomicInteger());
    return callbacks -> new FaultFilter(filterName, config, callbacks, context.random(), stats);
  }

  /** Shared by every request of one filter config: Envoy's fault stats and the active-fault count. */
  record Stats(Counter delaysInjected, Counter abortsInjected, Counter faultsOverflow, Gauge activeFaults, AtomicInteger active) {}
}
