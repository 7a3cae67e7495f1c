/**
 * The {@code security.istio.io} kinds (v1 and v1beta1): peer authentication (mutual TLS modes),
 * request authentication (JWT) and authorization policies, which the control plane turns into
 * TLS contexts and the proxy's JWT and RBAC filters.
 */
package io.trellis.api.model.security;
