package io.trellis.proxy.http.filter;

/** What a filter callback tells the chain. */
public enum FilterStatus {
  /** Pass the part on to the next filter. */
  CONTINUE,
  /**
   * Hold the part (and every later part) at this filter until it calls
   * {@link HttpFilterCallbacks#continueDecoding()} / {@link HttpFilterCallbacks#continueEncoding()},
   * or answers with {@link HttpFilterCallbacks#sendLocalReply}. The chain keeps the held parts and
   * stops reading the downstream meanwhile.
   */
  STOP_ITERATION
}
