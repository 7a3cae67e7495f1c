/**
 * The HTTP filter chain, Trellis's main extension point. The contract is written down once in
 * {@link io.trellis.proxy.http.filter.HttpFilter}: request parts pass through filters in order
 * (decode), response parts in reverse (encode); a filter may stop iteration and resume it later, or
 * answer locally. Implementations are found by the type URL of their typed config in an
 * {@link io.trellis.proxy.http.filter.HttpFilterRegistry}; the router is always last.
 */
package io.trellis.proxy.http.filter;
