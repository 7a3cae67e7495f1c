/**
 * The push context: one immutable, indexed view of a configuration snapshot and the services it
 * declares, built once per config version. Translation asks it questions (which VirtualService
 * routes this host, which DestinationRule applies from this namespace, which Sidecar scopes this
 * proxy) instead of scanning configuration, so generating a proxy's resources costs what that
 * proxy's configuration costs, not what the whole mesh's does.
 */
package io.trellis.control.model;
