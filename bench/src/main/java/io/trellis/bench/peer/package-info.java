/**
 * The systems under test and the backend behind them: the nginx origin, nginx and HAProxy as
 * reverse proxies, and the Trellis proxy, each configured from a generated file so that all of
 * them get the same treatment — keep-alive upstream pools, one worker on the core they are given,
 * no access logs, bodies streamed rather than buffered.
 */
package io.trellis.bench.peer;
