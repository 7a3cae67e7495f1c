package io.trellis.proxy.config.listener;

/**
 * Envoy's {@code path_with_escaped_slashes_action}: what to do with {@code %2F}/{@code %5C} in a path.
 * The implementation-specific default is {@link #KEEP_UNCHANGED}, as in Envoy.
 */
public enum PathWithEscapedSlashesAction {
  IMPLEMENTATION_SPECIFIC_DEFAULT,
  KEEP_UNCHANGED,
  REJECT_REQUEST,
  UNESCAPE_AND_REDIRECT,
  UNESCAPE_AND_FORWARD
}
