/**
 * Asynchronous DNS for clusters that find their hosts by name (STRICT_DNS, LOGICAL_DNS).
 *
 * <p>Why its own package: resolution must never block an event loop, must honour the machine's
 * {@code /etc/resolv.conf} and {@code /etc/hosts} like any other program, and must report answer
 * TTLs for {@code respect_dns_ttl}; Netty's {@code DnsNameResolver} does the first two, this package
 * adds the TTL and Envoy's address-family rules on top.
 */
package io.trellis.proxy.dns;
