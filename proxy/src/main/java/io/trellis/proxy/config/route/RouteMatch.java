package io.trellis.proxy.config.route;

import java.util.List;

/**
 * Envoy's {@code route.v3.RouteMatch}: all given conditions must hold.
 *
 * @param caseSensitive applies to prefix and path matches (not to the regex), default true
 * @param grpc match only requests with {@code content-type: application/grpc…}
 */
public record RouteMatch(
    PathMatch path,
    boolean caseSensitive,
    List<HeaderMatcher> headers,
    List<QueryParameterMatcher> queryParameters,
    boolean grpc) {

  public RouteMatch {
    Check.notNull("match.path_specifier", path);
    headers = Check.list("match.headers", headers);
    queryParameters = Check.list("match.query_parameters", queryParameters);
  }

  public static RouteMatch prefix(String prefix) {
    return new RouteMatch(new PathMatch.Prefix(prefix), true, List.of(), List.of(), false);
  }

  public static RouteMatch path(String path) {
    return new RouteMatch(new PathMatch.Path(path), true, List.of(), List.of(), false);
  }

  public RouteMatch withHeaders(HeaderMatcher... matchers) {
    return new RouteMatch(path, caseSensitive, List.of(matchers), queryParameters, grpc);
  }

  public RouteMatch withQueryParameters(QueryParameterMatcher... matchers) {
    return new RouteMatch(path, caseSensitive, headers, List.of(matchers), grpc);
  }

  public RouteMatch withCaseSensitive(boolean value) {
    return new RouteMatch(path, value, headers, queryParameters, grpc);
  }

  public RouteMatch withGrpc(boolean value) {
    return new RouteMatch(path, caseSensitive, headers, queryParameters, value);
  }
}
