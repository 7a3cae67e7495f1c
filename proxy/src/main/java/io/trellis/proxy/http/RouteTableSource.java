package io.trellis.proxy.http;

import io.trellis.proxy.router.RouteTable;

/**
 * Where a connection manager gets its routes: an inline table, or the latest RDS version by name. A
 * stream reads it once when it starts, so an update never changes a request in flight.
 */
@FunctionalInterface
public interface RouteTableSource {
  RouteTable current();
}
