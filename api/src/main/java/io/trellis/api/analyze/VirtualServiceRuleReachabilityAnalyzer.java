package io.trellis.api.analyze;

import io.trellis.api.model.Resource;
import io.trellis.api.model.networking.VirtualService;
import io.trellis.api.model.networking.VirtualService.HttpMatchRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * HTTP rules are tried in order and the first match wins, so a rule after a catch-all never runs
 * (IST0130), and a match identical to an earlier one never matches anything (IST0131; all of a
 * rule's matches being such makes the whole rule unused, IST0130).
 */
public final class VirtualServiceRuleReachabilityAnalyzer implements Analyzer {

  @Override
  public String name() {
    return "virtualservice.reachability";
  }

  @Override
  public void analyze(MeshIndex mesh, Diagnostics out) {
    for (Resource<VirtualService> vs : mesh.ofType(VirtualService.class)) {
      List<VirtualService.HttpRoute> http = vs.spec().http();
      List<List<Object>> seen = new ArrayList<>();
      List<Integer> seenIn = new ArrayList<>();
      int catchAll = -1;
      for (int i = 0; i < http.size(); i++) {
        String path = "spec.http[" + i + "]";
        if (catchAll >= 0) {
          out.report(MessageType.VIRTUAL_SERVICE_UNREACHABLE_RULE, vs, path,
              "VirtualService rule #" + i + " not used (only the last rule can have no matches; rule #"
                  + catchAll + " matches every request).");
          continue;
        }
        List<HttpMatchRequest> matches = http.get(i).match();
        if (matches.isEmpty() || matches.stream().anyMatch(VirtualServiceRuleReachabilityAnalyzer::matchesEverything)) {
          catchAll = i;
          continue;
        }
        int duplicates = 0;
        for (int j = 0; j < matches.size(); j++) {
          List<Object> key = key(matches.get(j));
          int earlier = seen.indexOf(key);
          if (earlier >= 0) {
            duplicates++;
            out.report(MessageType.VIRTUAL_SERVICE_INEFFECTIVE_MATCH, vs, path + ".match[" + j + "]",
                "VirtualService rule #" + i + " match #" + j + " is not used (duplicate/overlapping match in rule #"
                    + seenIn.get(earlier) + ").");
          } else {
            seen.add(key);
            seenIn.add(i);
          }
        }
        if (duplicates == matches.size()) {
          out.report(MessageType.VIRTUAL_SERVICE_UNREACHABLE_RULE, vs, path,
              "VirtualService rule #" + i + " not used (all matches are used by prior rules).");
        }
      }
    }
  }

  /** A match with no condition at all (only a name or stat prefix) matches every request. */
  private static boolean matchesEverything(HttpMatchRequest m) {
    return key(m).equals(key(new HttpMatchRequest("", null, null, null, null, null, 0, null, null, null, false, null, "", "")));
  }

  /** What a match tests, without the parts that only name it. */
  private static List<Object> key(HttpMatchRequest m) {
    List<Object> key = new ArrayList<>();
    key.add(m.uri());
    key.add(m.scheme());
    key.add(m.method());
    key.add(m.authority());
    key.add(m.headers());
    key.add(m.port());
    key.add(m.sourceLabels());
    key.add(m.gateways());
    key.add(m.queryParams());
    key.add(m.ignoreUriCase());
    key.add(m.withoutHeaders());
    key.add(m.sourceNamespace());
    return key;
  }
}
