/**
 * The running control plane's local API and how the {@code trellis} commands find it: a loopback
 * HTTP endpoint for apply/delete, proxy status and proxy config, guarded by a bearer token that the
 * control plane generates and writes, with its address, to a private state directory. Binding to
 * loopback and requiring the token keeps configuration changes to the user who started it.
 */
package io.trellis.control.admin;
