/**
 * Analysis across resources, in the manner of {@code istioctl analyze}: problems no single resource
 * shows on its own — a route to a host that does not exist, two VirtualServices fighting over one
 * host, a selector that selects nothing. Messages carry Istio's codes and levels where Istio has
 * them ({@code IST0101} …), so that people and tooling that know Istio's can act on them; checks
 * Istio lacks carry Trellis codes ({@code TRL…}).
 *
 * <p>Analyzers see only resources that passed validation, through one {@link MeshIndex} built once
 * per run, and each reports through a {@link Diagnostics} sink: one analyzer's findings never
 * depend on another's.
 */
package io.trellis.api.analyze;
