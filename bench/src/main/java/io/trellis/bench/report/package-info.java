/**
 * What a benchmark run leaves behind: the table a person reads on stdout and the JSON file under
 * {@code bench/results/} that later runs are compared against. Both carry the machine, since a
 * number without its machine cannot be compared with anything.
 */
package io.trellis.bench.report;
