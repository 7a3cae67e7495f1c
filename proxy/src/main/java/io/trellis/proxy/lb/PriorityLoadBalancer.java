package io.trellis.proxy.lb;

import io.trellis.proxy.upstream.Host;
import io.trellis.proxy.upstream.LoadBalancerContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/**
 * A cluster's balancer for one membership, with Envoy's priority and panic semantics.
 *
 * <p>Each priority's health is {@code min(100, overprovisioning_factor × healthy / total)} percent.
 * Priority 0 takes as much of the traffic as its health allows, the rest spills to priority 1 and
 * so on; when all priorities together are below 100 the loads are scaled up so they add to 100. A
 * priority whose healthy share is below the panic threshold (while the cluster as a whole is not
 * fully available) balances over all of its hosts, healthy or not — better to try a sick host than
 * to fail everything; when every priority is in panic, traffic is split by host count.
 *
 * <p>Everything is decided here, at build time; a pick draws a number below 100 (the request's hash,
 * so hash policies stay sticky, or a random one), finds the priority, and asks its picker.
 */
public final class PriorityLoadBalancer implements LoadBalancer {
  private final int[] cumulativeLoad; // per priority level, ascending, last == 100 (or all 0)
  private final int[] priorities;
  private final Level[] levels;
  private final RandomGenerator random;
  private final Runnable onPanicPick;

  private PriorityLoadBalancer(int[] priorities, int[] cumulativeLoad, Level[] levels, RandomGenerator random,
      Runnable onPanicPick) {
    this.priorities = priorities;
    this.cumulativeLoad = cumulativeLoad;
    this.levels = levels;
    this.random = random;
    this.onPanicPick = onPanicPick;
  }

  /**
   * Builds the balancer.
   *
   * @param onPanicPick run on each pick served in panic mode (Envoy's {@code lb_healthy_panic})
   */
  public static PriorityLoadBalancer build(BalancerSettings settings, List<LocalityHosts> groups,
      RandomGenerator random, Runnable onPanicPick) {
    TreeMap<Integer, List<LocalityHosts>> byPriority = new TreeMap<>();
    for (LocalityHosts g : groups) {
      if (!g.hosts().isEmpty()) {
        byPriority.computeIfAbsent(g.priority(), p -> new ArrayList<>()).add(g);
      }
    }
    int n = byPriority.size();
    int[] priorities = new int[n];
    int[] total = new int[n];
    int[] healthy = new int[n];
    int[] health = new int[n];
    int k = 0;
    for (Map.Entry<Integer, List<LocalityHosts>> e : byPriority.entrySet()) {
      priorities[k] = e.getKey();
      for (LocalityHosts g : e.getValue()) {
        total[k] += g.hosts().size();
        healthy[k] += healthyCount(g.hosts());
      }
      health[k] = (int) Math.min(100L, (long) settings.overprovisioningFactor() * healthy[k] / total[k]);
      k++;
    }
    int sumHealth = 0;
    for (int h : health) {
      sumHealth += h;
    }
    int normalizedTotal = Math.min(100, sumHealth);
    boolean[] panic = new boolean[n];
    boolean allPanic = n > 0;
    for (int i = 0; i < n; i++) {
      double healthyPercent = 100.0 * healthy[i] / total[i];
      panic[i] = normalizedTotal < 100 && healthyPercent < settings.healthyPanicThresholdPercent();
      allPanic &= panic[i];
    }
    int[] load = new int[n];
    if (allPanic) {
      // Every priority is in panic: split by host count, as Envoy does.
      int hosts = 0;
      for (int t : total) {
        hosts += t;
      }
      int assigned = 0;
      for (int i = 0; i < n; i++) {
        load[i] = 100 * total[i] / hosts;
        assigned += load[i];
      }
      load[0] += 100 - assigned;
    } else if (normalizedTotal > 0) {
      int remaining = 100;
      int firstAvailable = -1;
      for (int i = 0; i < n; i++) {
        if (firstAvailable < 0 && health[i] > 0) {
          firstAvailable = i;
        }
        load[i] = Math.min(remaining, health[i] * 100 / normalizedTotal);
        remaining -= load[i];
      }
      load[firstAvailable] += remaining; // integer rounding leftovers
    }
    int[] cumulative = new int[n];
    Level[] levels = new Level[n];
    int acc = 0;
    k = 0;
    for (List<LocalityHosts> localities : byPriority.values()) {
      acc += load[k];
      cumulative[k] = acc;
      levels[k] = load[k] == 0 ? null : Level.build(settings, localities, panic[k], random);
      k++;
    }
    return new PriorityLoadBalancer(priorities, cumulative, levels, random, onPanicPick);
  }

  private static int healthyCount(List<Host> hosts) {
    int c = 0;
    for (Host h : hosts) {
      if (h.healthy()) {
        c++;
      }
    }
    return c;
  }

  @Override
  public Host choose(LoadBalancerContext context) {
    if (levels.length == 0 || cumulativeLoad[cumulativeLoad.length - 1] == 0) {
      return null;
    }
    long draw = context.hash() != null ? context.hash() : random.nextLong();
    int bucket = (int) Long.remainderUnsigned(draw, 100);
    int p = 0;
    while (cumulativeLoad[p] <= bucket) {
      p++;
    }
    Level level = levels[p];
    if (level.panic) {
      onPanicPick.run();
    }
    Host host = level.pick(context, 0);
    for (int attempt = 1; attempt < context.maxSelectionAttempts()
        && !context.excludedHosts().isEmpty() && context.excludedHosts().contains(host); attempt++) {
      host = level.pick(context, attempt);
    }
    return host;
  }

  /** Each priority level's share of traffic in percent, in priority order (levels without hosts omitted). */
  public Map<Integer, Integer> priorityLoads() {
    Map<Integer, Integer> out = new TreeMap<>();
    int prev = 0;
    for (int i = 0; i < priorities.length; i++) {
      out.put(priorities[i], cumulativeLoad[i] - prev);
      prev = cumulativeLoad[i];
    }
    return out;
  }

  /** Whether the given priority balances over all its hosts because too few are healthy. */
  public boolean inPanic(int priority) {
    for (int i = 0; i < priorities.length; i++) {
      if (priorities[i] == priority) {
        return levels[i] != null && levels[i].panic;
      }
    }
    return false;
  }

  /** One priority level: a picker over its hosts, or a locality choice followed by a per-locality picker. */
  private static final class Level {
    final boolean panic;
    final HostPicker hosts; // when not locality-weighted, or no locality has weight
    final int[] localitySchedule;
    final HostPicker[] localityPickers;
    final java.util.concurrent.atomic.AtomicInteger localityCursor;

    private Level(boolean panic, HostPicker hosts, int[] localitySchedule, HostPicker[] localityPickers,
        RandomGenerator random) {
      this.panic = panic;
      this.hosts = hosts;
      this.localitySchedule = localitySchedule;
      this.localityPickers = localityPickers;
      this.localityCursor = new java.util.concurrent.atomic.AtomicInteger(
          localitySchedule == null ? 0 : random.nextInt(localitySchedule.length));
    }

    static Level build(BalancerSettings settings, List<LocalityHosts> localities, boolean panic,
        RandomGenerator random) {
      if (settings.localityWeighted()) {
        List<HostPicker> pickers = new ArrayList<>();
        List<Long> weights = new ArrayList<>();
        for (LocalityHosts l : localities) {
          List<Host> usable = panic ? l.hosts() : healthyOf(l.hosts());
          if (l.weight() == 0 || usable.isEmpty()) {
            continue;
          }
          // Envoy's effective locality weight: weight × min(1, factor × healthy / total).
          long availability = panic ? 100
              : Math.min(100L, (long) settings.overprovisioningFactor() * usable.size() / l.hosts().size());
          long effective = l.weight() * availability;
          if (effective > 0) {
            pickers.add(HostPicker.create(settings, usable, random));
            weights.add(effective);
          }
        }
        if (!pickers.isEmpty()) {
          long[] w = weights.stream().mapToLong(Long::longValue).toArray();
          return new Level(panic, null, WeightedSchedule.build(w), pickers.toArray(HostPicker[]::new), random);
        }
      }
      List<Host> all = new ArrayList<>();
      for (LocalityHosts l : localities) {
        all.addAll(panic ? l.hosts() : healthyOf(l.hosts()));
      }
      return new Level(panic, HostPicker.create(settings, all, random), null, null, random);
    }

    Host pick(LoadBalancerContext context, int attempt) {
      if (hosts != null) {
        return hosts.pick(context, attempt);
      }
      int i = localitySchedule[Math.floorMod(localityCursor.getAndIncrement(), localitySchedule.length)];
      return localityPickers[i].pick(context, attempt);
    }

    private static List<Host> healthyOf(List<Host> hosts) {
      List<Host> out = new ArrayList<>(hosts.size());
      for (Host h : hosts) {
        if (h.healthy()) {
          out.add(h);
        }
      }
      return out;
    }
  }
}
