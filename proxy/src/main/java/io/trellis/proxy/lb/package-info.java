/**
 * Load balancing: which host of a cluster takes the next request.
 *
 * <p>Why it is shaped this way: a pick happens on every request attempt on every event loop, so a
 * balancer is an immutable snapshot of one membership (rebuilt by the cluster whenever hosts or their
 * health change) and a pick is lock-free, O(1) or O(log n), and allocates nothing. Everything that
 * depends only on membership — priority loads with the overprovisioning factor, panic mode, locality
 * weights, round-robin schedules, hash rings, Maglev tables — is computed at build time. Randomness
 * is injected so distribution tests are exact.
 */
package io.trellis.proxy.lb;
