/**
 * What every Bookinfo service shares: hosting on the JDK's HTTP server with virtual threads,
 * reading the pod's environment, and calling the other services the way an application in a
 * mesh does — by service name, forwarding the tracing headers, and through {@code HTTP_PROXY}
 * when the local mesh asks for it (Java ignores that variable unless told).
 */
package io.trellis.samples.bookinfo.web;
