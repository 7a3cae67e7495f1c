/** Benchmarks: the harness that runs Trellis side by side with its peers, and JMH micro-benchmarks. */
package io.trellis.bench;
