package io.trellis.proxy.router;

import io.trellis.proxy.config.route.HeaderMatcher;
import java.util.Locale;

/**
 * A {@link HeaderMatcher} ready to run. A missing header matches only a {@code present_match: false}
 * (or, inverted, {@code present_match: true}); other forms never match a missing header, inverted or
 * not, unless {@code treat_missing_header_as_empty} turns it into "".
 */
final class CompiledHeaderMatcher {
  private final String name;
  private final CompiledStringMatcher string;
  private final Boolean present;
  private final Long rangeStart;
  private final Long rangeEnd;
  private final boolean invert;
  private final boolean missingAsEmpty;

  CompiledHeaderMatcher(HeaderMatcher config) {
    this.name = config.name().toLowerCase(Locale.ROOT);
    this.string = config.stringMatch() == null ? null : new CompiledStringMatcher(config.stringMatch());
    this.present = config.present();
    this.rangeStart = config.rangeStart();
    this.rangeEnd = config.rangeEnd();
    this.invert = config.invertMatch();
    this.missingAsEmpty = config.treatMissingHeaderAsEmpty();
  }

  boolean matches(RequestView request) {
    String value = request.header(name);
    if (present != null) {
      boolean isPresent = value != null || missingAsEmpty;
      return (isPresent == present) != invert;
    }
    if (value == null) {
      if (!missingAsEmpty) {
        return false;
      }
      value = "";
    }
    boolean matched;
    if (string != null) {
      matched = string.matches(value);
    } else {
      matched = inRange(value);
    }
    return matched != invert;
  }

  private boolean inRange(String value) {
    long v;
    try {
      v = Long.parseLong(value);
    } catch (NumberFormatException e) {
      return false;
    }
    return v >= rangeStart && v < rangeEnd;
  }
}
