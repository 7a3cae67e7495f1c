/**
 * The service registry: what services exist in the mesh and which workload instances back them,
 * derived from one configuration snapshot. Istio's ServiceEntry / WorkloadEntry / WorkloadGroup and
 * Kubernetes' Service / Pod / EndpointSlice / Deployment all land in the same small vocabulary
 * ({@link io.trellis.control.registry.MeshService}, {@link io.trellis.control.registry.Workload},
 * {@link io.trellis.control.registry.ServiceEndpoint}) so translation never needs to know where a
 * service came from, and the local mesh and a Kubernetes cluster run the same translation code.
 */
package io.trellis.control.registry;
