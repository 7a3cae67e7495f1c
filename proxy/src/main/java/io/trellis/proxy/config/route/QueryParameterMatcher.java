package io.trellis.proxy.config.route;

/**
 * Envoy's {@code route.v3.QueryParameterMatcher}: the parameter's (first) value matches
 * {@code stringMatch}, or, when {@code stringMatch} is null, the parameter is present.
 */
public record QueryParameterMatcher(String name, StringMatcher stringMatch) {
  public QueryParameterMatcher {
    Check.nonEmpty("query_parameter_matcher.name", name);
  }

  public static QueryParameterMatcher present(String name) {
    return new QueryParameterMatcher(name, null);
  }
}
