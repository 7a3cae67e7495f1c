/**
 * What the control plane needs to drive a mesh on one machine ({@code trellis up}): the local
 * pods' proxies tell it, in their node metadata, how their traffic reaches them, and the
 * generator decorator here reshapes Istio's standard sidecar and gateway configuration for that.
 *
 * <p>Why a rewrite and not a second translation: the translation stays exactly what a Kubernetes
 * pod gets, so the local mesh runs the same routing code as a cluster; only where the sockets are
 * differs. Without iptables (loopback isolation) nothing redirects connections to 15001/15006, so
 * listeners are bound on each pod's own loopback addresses and outbound calls come in as HTTP proxy
 * requests. With iptables (netns isolation) the capture listeners stay, and the per-port outbound
 * listeners, which Istio leaves unbound for the capture listener to hand connections to, become
 * filter chains of the capture listener matched by original destination port.
 *
 * <p>Also here: the configuration sources {@code trellis up} adds to the store (the top-level files
 * of its directory, and the pods it runs, as Kubernetes {@code Pod} objects).
 */
package io.trellis.control.local;
