/**
 * The admin server at Envoy's paths ({@code /ready}, {@code /stats/prometheus}, {@code /config_dump},
 * ...), so that Istio's agent, Prometheus scrapes and people used to Envoy can operate this proxy with
 * what they already know. It is not on the data path: it runs on its own thread and binds loopback
 * unless the bootstrap asks for another address, because it can stop the proxy.
 */
package io.trellis.proxy.admin;
