/**
 * End-to-end tests across modules: a control plane and real Trellis proxies as separate processes,
 * real backends on loopback, and real clients (curl, the JDK's HTTP client). They prove what no
 * module's own tests can: that Istio configuration written by a user ends up as traffic going where
 * it says, follows changes quickly, and never drops a request while it changes.
 */
package io.trellis.cli.e2e;
