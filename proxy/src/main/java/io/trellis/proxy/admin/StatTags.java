package io.trellis.proxy.admin;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Envoy's default tag extraction: turns a flat stat name such as {@code cluster.web.upstream_rq_200}
 * into a tag-free name ({@code cluster.upstream_rq}) and tags ({@code envoy_response_code=200},
 * {@code envoy_cluster_name=web}), so Prometheus queries and dashboards written for Envoy work here.
 *
 * <p>Each rule's first capture group is the part removed from the name and its second group is the
 * tag's value. Every rule is matched against the original name (as Envoy does), a tag name is taken
 * at most once, and the removals are applied together at the end. Values are single dot-free segments,
 * which is also Envoy's rule.
 */
public final class StatTags {

  /** A stat name with its tags extracted, in extraction order. */
  public record Tagged(String name, Map<String, String> tags) {}

  private record Rule(String tag, Pattern regex, String excludedValue) {}

  private static final String VALUE = "[^.]+";
  private static final String ADDRESS =
      "(?:(?:\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}|\\[[a-fA-F_\\d]+\\])_\\d+)";

  // Ordered most specific first, like Envoy's list; both HTTP connection manager rules share a tag
  // name, so only the first that matches counts.
  private static final List<Rule> RULES =
      List.of(
          rule("envoy_response_code", "_rq(_(\\d{3}))$"),
          rule("envoy_response_code_class", "_rq_((\\d))xx$"),
          rule("envoy_virtual_cluster", "^vhost\\." + VALUE + "\\.vcluster\\.((" + VALUE + ")\\.)"),
          rule("envoy_tcp_prefix", "^tcp\\.((" + VALUE + ")\\.)"),
          rule("envoy_cluster_name", "^cluster\\.((" + VALUE + ")\\.)"),
          rule("envoy_http_conn_manager_prefix", "^listener\\..*?\\.http\\.((" + VALUE + ")\\.)"),
          rule("envoy_http_conn_manager_prefix", "^http\\.((" + VALUE + ")\\.)"),
          rule(
              "envoy_worker_id",
              "^(?:listener\\.(?:" + ADDRESS + "|" + VALUE + ")\\.|server\\.|listener_manager\\.)worker_((\\d+)\\.)"),
          new Rule("envoy_listener_address", Pattern.compile("^listener\\.((" + ADDRESS + "|" + VALUE + ")\\.)"), "admin"),
          rule("envoy_virtual_host", "^vhost\\.((" + VALUE + ")\\.)"),
          rule("envoy_rds_route_config", "^http\\." + VALUE + "\\.rds\\.(([\\w.-]+)\\.)\\w+?$"),
          rule("envoy_route", "^vhost\\." + VALUE + "\\.route\\.((" + VALUE + ")\\.)"));

  private StatTags() {}

  private static Rule rule(String tag, String regex) {
    return new Rule(tag, Pattern.compile(regex), null);
  }

  public static Tagged extract(String statName) {
    Map<String, String> tags = new LinkedHashMap<>();
    List<int[]> removals = new ArrayList<>();
    for (Rule rule : RULES) {
      if (tags.containsKey(rule.tag())) {
        continue;
      }
      Matcher m = rule.regex().matcher(statName);
      if (!m.find()) {
        continue;
      }
      String value = m.group(2);
      if (value.equals(rule.excludedValue())) {
        continue;
      }
      int[] removal = {m.start(1), m.end(1)};
      if (overlaps(removal, removals)) {
        continue;
      }
      tags.put(rule.tag(), value);
      removals.add(removal);
    }
    if (removals.isEmpty()) {
      return new Tagged(statName, Map.of());
    }
    removals.sort((a, b) -> Integer.compare(a[0], b[0]));
    StringBuilder name = new StringBuilder(statName.length());
    int from = 0;
    for (int[] r : removals) {
      name.append(statName, from, r[0]);
      from = r[1];
    }
    name.append(statName, from, statName.length());
    return new Tagged(name.toString(), tags);
  }

  private static boolean overlaps(int[] candidate, List<int[]> taken) {
    for (int[] t : taken) {
      if (candidate[0] < t[1] && t[0] < candidate[1]) {
        return true;
      }
    }
    return false;
  }
}
