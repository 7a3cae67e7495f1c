/**
 * JMH micro-benchmarks of the hot paths (config loading, route matching, load-balancer picks,
 * header parsing, translation): the per-operation costs behind the end-to-end figures, kept
 * next to them so that a regression in one shows up before it moves the other.
 */
package io.trellis.bench.micro;
