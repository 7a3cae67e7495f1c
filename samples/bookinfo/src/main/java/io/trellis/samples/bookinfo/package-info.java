/**
 * Bookinfo, Istio's sample application, written in Java: productpage, details, reviews and
 * ratings in one jar, started as {@code java -jar trellis-bookinfo.jar SERVICE [--port N]
 * [--version vN]}. It knows nothing of the mesh beyond what any application in Istio knows: the
 * names of the services it calls, the trace headers it must carry, and — in the local mesh — the
 * {@code HTTP_PROXY} its sidecar listens on.
 */
package io.trellis.samples.bookinfo;
