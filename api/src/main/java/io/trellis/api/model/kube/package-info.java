/**
 * The Kubernetes kinds the mesh reads — Namespace, ServiceAccount, Service, Deployment, Pod,
 * EndpointSlice — reduced to the fields the registry and {@code trellis up} use. They are bound
 * leniently: Kubernetes objects carry many fields the mesh has no use for, and those are not
 * errors.
 */
package io.trellis.api.model.kube;
