package io.trellis.proxy.config.route;

import java.util.List;
import java.util.Locale;

/**
 * The four header lists Envoy allows at route-configuration, virtual-host, route and weighted-cluster
 * level ({@code request_headers_to_add/remove}, {@code response_headers_to_add/remove}). Removals are
 * applied before additions at each level; the most specific level is applied first.
 */
public record HeaderMutations(
    List<HeaderValueOption> requestHeadersToAdd,
    List<String> requestHeadersToRemove,
    List<HeaderValueOption> responseHeadersToAdd,
    List<String> responseHeadersToRemove) {

  public static final HeaderMutations NONE = new HeaderMutations(List.of(), List.of(), List.of(), List.of());

  public HeaderMutations {
    requestHeadersToAdd = Check.list("request_headers_to_add", requestHeadersToAdd);
    requestHeadersToRemove = lower("request_headers_to_remove", requestHeadersToRemove);
    responseHeadersToAdd = Check.list("response_headers_to_add", responseHeadersToAdd);
    responseHeadersToRemove = lower("response_headers_to_remove", responseHeadersToRemove);
  }

  public boolean isEmpty() {
    return requestHeadersToAdd.isEmpty() && requestHeadersToRemove.isEmpty()
        && responseHeadersToAdd.isEmpty() && responseHeadersToRemove.isEmpty();
  }

  private static List<String> lower(String field, List<String> names) {
    List<String> checked = Check.list(field, names);
    for (String n : checked) {
      if (n.isEmpty() || n.startsWith(":") || n.equalsIgnoreCase("host")) {
        throw new IllegalArgumentException(field + ": '" + n + "' (expected: a header name, not a pseudo-header or host)");
      }
    }
    return checked.stream().map(n -> n.toLowerCase(Locale.ROOT)).toList();
  }
}
