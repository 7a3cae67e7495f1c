/**
 * The {@code networking.istio.io} kinds (v1, v1beta1 and v1alpha3 share one shape): routing
 * (VirtualService), upstream policy (DestinationRule), edges (Gateway), the registry's additions
 * (ServiceEntry, WorkloadEntry, WorkloadGroup), proxy scope (Sidecar), and the two kinds loaded
 * only so that Istio files validate (EnvoyFilter, ProxyConfig). These records are what the control
 * plane translates into xDS; field names are Istio's JSON names.
 */
package io.trellis.api.model.networking;
