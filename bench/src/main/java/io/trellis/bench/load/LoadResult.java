package io.trellis.bench.load;

/**
 * One load generator run as measured by the tool itself.
 *
 * @param rps completed requests per second over the run
 * @param requests completed requests (any status)
 * @param errors non-2xx responses plus transport errors (connect, read, write, timeouts)
 * @param latency percentiles as the tool measured them
 */
public record LoadResult(double rps, long requests, long errors, Latency latency) {}
