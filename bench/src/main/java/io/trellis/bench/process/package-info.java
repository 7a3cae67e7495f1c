/**
 * The processes a benchmark starts (backends, peer proxies, the Trellis proxy, load generators):
 * started on free loopback ports, pinned to cores, measured from {@code /proc}, and always stopped
 * by their own PIDs so that a failed run never leaves a stray server on the machine.
 */
package io.trellis.bench.process;
