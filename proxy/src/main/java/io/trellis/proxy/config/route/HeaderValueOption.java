package io.trellis.proxy.config.route;

import java.util.Locale;

/**
 * Envoy's {@code core.v3.HeaderValueOption}: one header to add, and how. Values are literal (Envoy's
 * {@code %…%} formatters are not interpreted).
 */
public record HeaderValueOption(String name, String value, AppendAction appendAction, boolean keepEmptyValue) {

  /** Envoy's {@code HeaderValueOption.HeaderAppendAction}. */
  public enum AppendAction {
    APPEND_IF_EXISTS_OR_ADD,
    ADD_IF_ABSENT,
    OVERWRITE_IF_EXISTS_OR_ADD,
    OVERWRITE_IF_EXISTS
  }

  public HeaderValueOption {
    Check.nonEmpty("header.key", name);
    name = name.toLowerCase(Locale.ROOT);
    Check.notNull("header.value", value);
    Check.notNull("append_action", appendAction);
    if (name.startsWith(":") || name.equals("host")) {
      throw new IllegalArgumentException("header.key: '" + name + "' (expected: not a pseudo-header or host)");
    }
  }

  public static HeaderValueOption append(String name, String value) {
    return new HeaderValueOption(name, value, AppendAction.APPEND_IF_EXISTS_OR_ADD, false);
  }

  public static HeaderValueOption overwrite(String name, String value) {
    return new HeaderValueOption(name, value, AppendAction.OVERWRITE_IF_EXISTS_OR_ADD, false);
  }
}
