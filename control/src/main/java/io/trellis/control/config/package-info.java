/**
 * Where configuration comes from and how it is kept: sources (a watched directory of YAML now,
 * Kubernetes informers later, the apply/delete API) feed a store that merges them into one
 * immutable, versioned snapshot. A source's invalid input is rejected with its validation messages
 * while the last good version of that input stays in force, so a mistake in one file never
 * disturbs the configuration that is already serving traffic.
 */
package io.trellis.control.config;
