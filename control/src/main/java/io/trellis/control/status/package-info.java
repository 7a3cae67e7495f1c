/**
 * How operators see the control plane: per-proxy sync status and the configuration each proxy was
 * sent (for {@code trellis proxy-status} and {@code trellis proxy-config}), and Prometheus metrics
 * under Istio's names on the monitoring port, so existing istiod dashboards and alerts apply.
 */
package io.trellis.control.status;
