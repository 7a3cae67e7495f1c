/**
 * The load generators the benchmarks drive (wrk for closed-loop maximum throughput, h2load for
 * fixed rates, HTTP/2 and large bodies) and the parsers that turn their text output into numbers.
 * Tools written by others measure Trellis, so that no figure depends on a client we wrote.
 */
package io.trellis.bench.load;
