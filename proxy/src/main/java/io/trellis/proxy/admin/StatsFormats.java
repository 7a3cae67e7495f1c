package io.trellis.proxy.admin;

import com.google.re2j.Pattern;
import io.trellis.proxy.stats.StatsStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** Renders the stats store as Envoy's {@code /stats} text and as Prometheus text exposition format. */
public final class StatsFormats {
  private StatsFormats() {}

  /**
   * Envoy's plain format: one {@code name: value} line per counter and gauge, sorted by name.
   *
   * @param filter an RE2 pattern a name must contain a match of, or {@code null} for every stat
   * @param usedOnly whether to leave out stats that are still zero
   */
  public static String envoyText(StatsStore stats, Pattern filter, boolean usedOnly) {
    SortedMap<String, Long> all = new TreeMap<>(stats.counters());
    all.putAll(stats.gauges());
    StringBuilder out = new StringBuilder();
    all.forEach(
        (name, value) -> {
          if ((filter == null || filter.matcher(name).find()) && (!usedOnly || value != 0)) {
            out.append(name).append(": ").append(value).append('\n');
          }
        });
    return out.toString();
  }

  /** Envoy's {@code /stats?format=json}: {@code {"stats":[{"name":..,"value":..}]}}. */
  public static String envoyJson(StatsStore stats, Pattern filter, boolean usedOnly) {
    SortedMap<String, Long> all = new TreeMap<>(stats.counters());
    all.putAll(stats.gauges());
    StringBuilder out = new StringBuilder("{\"stats\":[");
    boolean first = true;
    for (Map.Entry<String, Long> e : all.entrySet()) {
      if ((filter != null && !filter.matcher(e.getKey()).find()) || (usedOnly && e.getValue() == 0)) {
        continue;
      }
      if (!first) {
        out.append(',');
      }
      first = false;
      out.append("{\"name\":\"").append(jsonEscape(e.getKey())).append("\",\"value\":").append(e.getValue()).append('}');
    }
    return out.append("]}").toString();
  }

  /**
   * Prometheus text format 0.0.4 with Envoy's names: {@code envoy_} plus the tag-free stat name with
   * every character outside {@code [a-zA-Z0-9_]} replaced by {@code _}; tags become labels.
   */
  public static String prometheus(StatsStore stats) {
    SortedMap<String, List<String>> counters = new TreeMap<>();
    SortedMap<String, List<String>> gauges = new TreeMap<>();
    stats.counters().forEach((name, value) -> addSample(counters, name, value));
    stats.gauges().forEach((name, value) -> addSample(gauges, name, value));
    StringBuilder out = new StringBuilder();
    writeFamilies(out, counters, "counter");
    writeFamilies(out, gauges, "gauge");
    return out.toString();
  }

  private static void addSample(SortedMap<String, List<String>> families, String statName, long value) {
    StatTags.Tagged tagged = StatTags.extract(statName);
    String metric = "envoy_" + sanitize(tagged.name());
    StringBuilder sample = new StringBuilder(metric);
    if (!tagged.tags().isEmpty()) {
      sample.append('{');
      boolean first = true;
      for (Map.Entry<String, String> tag : tagged.tags().entrySet()) {
        if (!first) {
          sample.append(',');
        }
        first = false;
        sample.append(tag.getKey()).append("=\"").append(labelEscape(tag.getValue())).append('"');
      }
      sample.append('}');
    }
    sample.append(' ').append(value);
    families.computeIfAbsent(metric, k -> new ArrayList<>()).add(sample.toString());
  }

  private static void writeFamilies(StringBuilder out, SortedMap<String, List<String>> families, String type) {
    families.forEach(
        (metric, samples) -> {
          out.append("# TYPE ").append(metric).append(' ').append(type).append('\n');
          samples.stream().sorted().forEach(s -> out.append(s).append('\n'));
        });
  }

  static String sanitize(String name) {
    StringBuilder out = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
      out.append(ok ? c : '_');
    }
    return out.toString();
  }

  private static String labelEscape(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  static String jsonEscape(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }
}
