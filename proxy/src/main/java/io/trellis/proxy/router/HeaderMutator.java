package io.trellis.proxy.router;

import io.netty.handler.codec.http.HttpHeaders;
import io.trellis.proxy.config.route.HeaderMutations;
import io.trellis.proxy.config.route.HeaderValueOption;
import java.util.List;

/** Applies one level of {@link HeaderMutations} to request or response headers: removals, then additions. */
final class HeaderMutator {
  private HeaderMutator() {}

  static void applyRequest(HeaderMutations m, HttpHeaders headers) {
    apply(m.requestHeadersToRemove(), m.requestHeadersToAdd(), headers);
  }

  static void applyResponse(HeaderMutations m, HttpHeaders headers) {
    apply(m.responseHeadersToRemove(), m.responseHeadersToAdd(), headers);
  }

  private static void apply(List<String> remove, List<HeaderValueOption> add, HttpHeaders headers) {
    for (int i = 0; i < remove.size(); i++) {
      headers.remove(remove.get(i));
    }
    for (int i = 0; i < add.size(); i++) {
      HeaderValueOption o = add.get(i);
      if (o.value().isEmpty() && !o.keepEmptyValue()) {
        continue;
      }
      switch (o.appendAction()) {
        case APPEND_IF_EXISTS_OR_ADD -> headers.add(o.name(), o.value());
        case ADD_IF_ABSENT -> {
          if (!headers.contains(o.name())) {
            headers.add(o.name(), o.value());
          }
        }
        case OVERWRITE_IF_EXISTS_OR_ADD -> headers.set(o.name(), o.value());
        case OVERWRITE_IF_EXISTS -> {
          if (headers.contains(o.name())) {
            headers.set(o.name(), o.value());
          }
        }
      }
    }
  }
}
