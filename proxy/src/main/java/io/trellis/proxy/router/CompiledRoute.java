package io.trellis.proxy.router;

import io.trellis.proxy.config.route.ClusterSpecifier;
import io.trellis.proxy.config.route.ForwardAction;
import io.trellis.proxy.config.route.HeaderMutations;
import io.trellis.proxy.config.route.RedirectAction;
import io.trellis.proxy.config.route.Route;
import io.trellis.proxy.config.route.RouteAction;
import io.trellis.proxy.config.route.WeightedCluster;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/** One route of a virtual host, compiled: its matcher and the runtime pieces of its action. */
public final class CompiledRoute {
  private final Route config;
  private final CompiledRouteMatch match;
  private final PathRewriter rewriter;
  private final RequestHasher hasher;
  private final String[] weightedNames;
  private final HeaderMutations[] weightedHeaders;
  private final long[] cumulativeWeights;

  CompiledRoute(Route config) {
    this.config = config;
    this.match = new CompiledRouteMatch(config.match());
    RouteAction action = config.action();
    if (action instanceof ForwardAction f) {
      this.rewriter = PathRewriter.of(f.prefixRewrite(), f.regexRewrite(), match.matchedPrefixLength());
      this.hasher = f.hashPolicies().isEmpty() ? null : new RequestHasher(f.hashPolicies());
      if (f.cluster() instanceof ClusterSpecifier.Weighted w) {
        List<WeightedCluster> cs = w.clusters();
        weightedNames = new String[cs.size()];
        weightedHeaders = new HeaderMutations[cs.size()];
        cumulativeWeights = new long[cs.size()];
        long sum = 0;
        for (int i = 0; i < cs.size(); i++) {
          weightedNames[i] = cs.get(i).name();
          weightedHeaders[i] = cs.get(i).headers();
          sum += cs.get(i).weight();
          cumulativeWeights[i] = sum;
        }
      } else {
        weightedNames = null;
        weightedHeaders = null;
        cumulativeWeights = null;
      }
    } else {
      this.rewriter = action instanceof RedirectAction r
          ? PathRewriter.of(r.prefixRewrite(), r.regexRewrite(), match.matchedPrefixLength())
          : null;
      this.hasher = null;
      this.weightedNames = null;
      this.weightedHeaders = null;
      this.cumulativeWeights = null;
    }
  }

  public Route config() {
    return config;
  }

  public String name() {
    return config.name();
  }

  public RouteAction action() {
    return config.action();
  }

  public HeaderMutations headers() {
    return config.headers();
  }

  /** This route's config for the named filter, or {@code null}. */
  public Object perFilterConfig(String filterName) {
    Map<String, Object> m = config.typedPerFilterConfig();
    return m.isEmpty() ? null : m.get(filterName);
  }

  boolean matches(RequestView request) {
    return match.matches(request);
  }

  /** The cluster for this request, or {@code null} when a cluster header is missing. */
  public ClusterChoice chooseCluster(RequestView request, RandomGenerator random) {
    ForwardAction f = (ForwardAction) config.action();
    return switch (f.cluster()) {
      case ClusterSpecifier.Cluster c -> new ClusterChoice(c.name(), HeaderMutations.NONE);
      case ClusterSpecifier.FromHeader h -> {
        String v = request.request().headers().get(h.headerName());
        yield v == null || v.isEmpty() ? null : new ClusterChoice(v, HeaderMutations.NONE);
      }
      case ClusterSpecifier.Weighted w -> {
        long pick = random.nextLong(w.totalWeight());
        int i = 0;
        while (cumulativeWeights[i] <= pick) {
          i++;
        }
        yield new ClusterChoice(weightedNames[i], weightedHeaders[i]);
      }
    };
  }

  /** The rewritten request target, or {@code null} when the route does not rewrite the path. */
  public String rewriteTarget(RequestView request) {
    if (rewriter == null) {
      return null;
    }
    return rewriter.rewrite(request.path(), request.query(), request.request().uri().indexOf('?') >= 0);
  }

  RequestHasher hasher() {
    return hasher;
  }
}
