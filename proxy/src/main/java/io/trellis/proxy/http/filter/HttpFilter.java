package io.trellis.proxy.http.filter;

import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;

/**
 * One HTTP filter instance, created per request by its {@link HttpFilterFactory}. All methods run on
 * the request's event loop and must not block.
 *
 * <p>Decode callbacks see the request in order: headers once, then data parts, then trailers (only
 * when the request has them). {@code endStream} marks the last part. Encode callbacks see the response
 * the same way, in reverse filter order. A data part's {@code ByteBuf} belongs to the chain: a filter
 * that returns {@link FilterStatus#CONTINUE} must not keep it; one that wants to change it replaces its
 * bytes in place. Headers may be mutated in place.
 *
 * <p>Returning {@link FilterStatus#STOP_ITERATION} holds this part and all later ones at this filter
 * until {@link HttpFilterCallbacks#continueDecoding()} (or {@code continueEncoding()}) — which the
 * filter calls later, never from inside the callback that returned STOP — or until the filter sends a
 * local reply. Held parts are not seen again by this filter.
 */
public interface HttpFilter {

  default FilterStatus decodeHeaders(HttpRequest request, boolean endStream) {
    return FilterStatus.CONTINUE;
  }

  default FilterStatus decodeData(HttpContent data, boolean endStream) {
    return FilterStatus.CONTINUE;
  }

  default FilterStatus decodeTrailers(HttpHeaders trailers) {
    return FilterStatus.CONTINUE;
  }

  default FilterStatus encodeHeaders(HttpResponse response, boolean endStream) {
    return FilterStatus.CONTINUE;
  }

  default FilterStatus encodeData(HttpContent data, boolean endStream) {
    return FilterStatus.CONTINUE;
  }

  default FilterStatus encodeTrailers(HttpHeaders trailers) {
    return FilterStatus.CONTINUE;
  }

  /** The downstream became writable (or stopped being); the router uses it to pace the upstream. */
  default void onDownstreamWritabilityChanged(boolean writable) {}

  /** The request is over (completed, answered locally, or reset); release anything held. Called once. */
  default void onDestroy() {}
}
