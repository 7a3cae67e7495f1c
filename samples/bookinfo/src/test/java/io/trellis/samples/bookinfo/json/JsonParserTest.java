package io.trellis.samples.bookinfo.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonParserTest {
  @Test
  void readsAReviewsReply() throws JsonParseException {
    String reply = """
        {"id": "0", "podname": "reviews-v3-7d8f", "clustername": null,
         "reviews": [{"reviewer": "Reviewer1", "text": "Fun \\"and\\" quick",
                      "rating": {"stars": 5, "color": "red"}},
                     {"reviewer": "Reviewer2", "text": "caf\\u00e9 \\ud83d\\ude00",
                      "rating": {"error": "Ratings service is currently unavailable"}}]}
        """;

    Map<String, Object> json = JsonParser.parseObject(reply);

    assertThat(json).containsEntry("podname", "reviews-v3-7d8f").containsEntry("clustername", null);
    List<?> reviews = (List<?>) json.get("reviews");
    assertThat(reviews).hasSize(2);
    assertThat(reviews.get(0)).isEqualTo(Map.of("reviewer", "Reviewer1", "text", "Fun \"and\" quick",
        "rating", Map.of("stars", 5L, "color", "red")));
    assertThat(((Map<?, ?>) reviews.get(1)).get("text")).isEqualTo("café \uD83D\uDE00");
  }

  @Test
  void readsNumbersAsLongWhenTheyFitAndDoubleOtherwise() throws JsonParseException {
    assertThat(JsonParser.parse("[0, -7, 1595, 9223372036854775807, 9223372036854775808, 1.5, -2e3, 0.1E+2]"))
        .isEqualTo(List.of(0L, -7L, 1595L, Long.MAX_VALUE, 9.223372036854775808E18, 1.5, -2000.0, 10.0));
    assertThat(JsonParser.parse(" true ")).isEqualTo(true);
    assertThat(JsonParser.parse("null")).isNull();
  }

  @Test
  void rejectsMalformedTextSayingWhereAndWhy() {
    assertError("{\"a\": 1,}", 8, "expected a string key in object");
    assertError("[1, 2", 5, "expected ',' or ']' in array");
    assertError("\"open", 5, "unterminated string");
    assertError("{\"a\" 1}", 5, "expected ':' after object key");
    assertError("{\"a\": 1, \"a\": 2}", 9, "duplicate key \"a\"");
    assertError("01", 1, "unexpected '1' after the value");
    assertError("[1.]", 3, "expected a digit after '.'");
    assertError("\"tab\there\"", 4, "control character U+0009 in string");
    assertError("\"\\x\"", 2, "invalid escape '\\x'");
    assertError("nul", 0, "unexpected 'n' (expected a value)");
    assertError("", 0, "unexpected end of input (expected a value)");
    assertError("{} {}", 3, "unexpected '{' after the value");
  }

  @Test
  void limitsNesting() throws JsonParseException {
    String deepEnough = "[".repeat(JsonParser.MAX_DEPTH) + "]".repeat(JsonParser.MAX_DEPTH);
    String tooDeep = "[".repeat(JsonParser.MAX_DEPTH + 1) + "]".repeat(JsonParser.MAX_DEPTH + 1);

    assertThat(JsonParser.parse(deepEnough)).isInstanceOf(List.class);
    assertError(tooDeep, JsonParser.MAX_DEPTH, "nesting deeper than 64");
  }

  @Test
  void parseObjectRequiresAnObject() {
    assertThatThrownBy(() -> JsonParser.parseObject("[1]"))
        .isInstanceOf(JsonParseException.class).hasMessage("JSON at offset 0: expected an object");
  }

  private static void assertError(String text, int offset, String reason) {
    assertThatThrownBy(() -> JsonParser.parse(text))
        .isInstanceOf(JsonParseException.class)
        .hasMessage("JSON at offset " + offset + ": " + reason)
        .satisfies(e -> assertThat(((JsonParseException) e).offset()).isEqualTo(offset));
  }
}
