package io.trellis.proxy.listener;

import io.trellis.proxy.config.route.RouteConfig;
import io.trellis.proxy.http.RouteTableSource;
import io.trellis.proxy.router.RouteTable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Route tables delivered by RDS, by route configuration name. Connection managers hold a source per
 * name and read its current table once per request; until a table arrives (or after it is removed)
 * the source yields an empty table, so requests get 404 NR rather than hanging.
 */
final class RdsRouteTables {
  private final Map<String, AtomicReference<RouteTable>> tables = new ConcurrentHashMap<>();

  RouteTableSource source(String name) {
    AtomicReference<RouteTable> ref = tables.computeIfAbsent(name, n -> new AtomicReference<>(RouteTable.EMPTY));
    return ref::get;
  }

  /**
   * Replaces every table (state of the world): names not in {@code configs} become empty. A
   * configuration equal to the one its current table was compiled from keeps that table, so an update
   * of one route configuration (or one VHDS virtual host) does not recompile the others.
   */
  void apply(Map<String, RouteConfig> configs) {
    Map<String, RouteTable> compiled = new java.util.HashMap<>();
    configs.forEach((name, config) -> {
      RouteTable current = current(name);
      compiled.put(name, current != null && config.equals(current.config()) ? current : RouteTable.compile(config));
    });
    compiled.forEach((name, table) -> tables.computeIfAbsent(name, n -> new AtomicReference<>(RouteTable.EMPTY)).set(table));
    tables.forEach((name, ref) -> {
      if (!compiled.containsKey(name)) {
        ref.set(RouteTable.EMPTY);
      }
    });
  }

  RouteTable current(String name) {
    AtomicReference<RouteTable> ref = tables.get(name);
    return ref == null ? null : ref.get();
  }
}
