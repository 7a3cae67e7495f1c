package io.trellis.samples.bookinfo.web;

import com.sun.net.httpserver.Headers;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The request headers a Bookinfo service copies onto its calls to other services.
 *
 * <p>A mesh can only join the spans of one request if the application carries the trace
 * context from its inbound request to its outbound ones; the proxies cannot do it for the
 * application. These are the headers Istio's Bookinfo carries: W3C trace context, B3 (multi and
 * single header), OpenTracing, Google Cloud and gRPC trace context, the request id, and the
 * user agent. {@code end-user} is the application's own header that Istio's routing rules match.
 * Cookies and credentials are deliberately not forwarded.
 */
public final class PropagatedHeaders {
  /** Trace context headers, forwarded unchanged when present. */
  public static final List<String> TRACING = List.of(
      "x-request-id",
      "traceparent",
      "tracestate",
      "x-b3-traceid",
      "x-b3-spanid",
      "x-b3-parentspanid",
      "x-b3-sampled",
      "x-b3-flags",
      "b3",
      "x-ot-span-context",
      "x-cloud-trace-context",
      "grpc-trace-bin");

  /** The header Bookinfo's routing examples match on to tell users apart. */
  public static final String END_USER = "end-user";

  private static final String USER_AGENT = "user-agent";

  private PropagatedHeaders() {}

  /** The tracing headers and user agent of {@code incoming}, without {@code end-user}. */
  public static Map<String, String> tracing(Headers incoming) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String name : TRACING) {
      copy(incoming, name, out);
    }
    copy(incoming, USER_AGENT, out);
    return out;
  }

  /** {@link #tracing} plus the incoming {@code end-user} header, as a mid-tier service forwards. */
  public static Map<String, String> tracingAndEndUser(Headers incoming) {
    Map<String, String> out = tracing(incoming);
    copy(incoming, END_USER, out);
    return out;
  }

  private static void copy(Headers incoming, String name, Map<String, String> out) {
    String value = incoming.getFirst(name);
    if (value != null) {
      out.put(name, value);
    }
  }
}
