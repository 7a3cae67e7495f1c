package io.trellis.samples.bookinfo.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonWriterTest {
  @Test
  void escapesWhatJsonRequiresAndWhatJavaScriptNeeds() {
    assertThat(JsonWriter.quote("say \"hi\" \\ bye")).isEqualTo("\"say \\\"hi\\\" \\\\ bye\"");
    assertThat(JsonWriter.quote("a\nb\rc\td\be\ff")).isEqualTo("\"a\\nb\\rc\\td\\be\\ff\"");
    assertThat(JsonWriter.quote("\u0000\u001f")).isEqualTo("\"\\u0000\\u001f\"");
    assertThat(JsonWriter.quote("line\u2028para\u2029")).isEqualTo("\"line\\u2028para\\u2029\"");
    assertThat(JsonWriter.quote("</script>")).isEqualTo("\"</script>\"");
  }

  @Test
  void keepsSurrogatePairsAndEscapesLoneSurrogates() {
    assertThat(JsonWriter.quote("★ \uD83D\uDCDA")).isEqualTo("\"★ \uD83D\uDCDA\"");
    assertThat(JsonWriter.quote("x\uD83Dy")).isEqualTo("\"x\\ud83dy\"");
    assertThat(JsonWriter.quote("\uDCDA")).isEqualTo("\"\\udcda\"");
  }

  @Test
  void writesNestedValuesInInsertionOrder() {
    Map<String, Object> book = new LinkedHashMap<>();
    book.put("id", 0);
    book.put("title", "The Comedy of Errors");
    book.put("tags", List.of("comedy", true, 1.5));
    book.put("missing", null);
    book.put("pages", 200.0);

    assertThat(JsonWriter.write(book)).isEqualTo(
        "{\"id\":0,\"title\":\"The Comedy of Errors\",\"tags\":[\"comedy\",true,1.5],"
            + "\"missing\":null,\"pages\":200}");
    assertThat(JsonWriter.write(List.of())).isEqualTo("[]");
    assertThat(JsonWriter.write(Map.of())).isEqualTo("{}");
  }

  @Test
  void everyStringSurvivesARoundTrip() throws JsonParseException {
    StringBuilder all = new StringBuilder();
    for (char c = 0; c < 0x3000; c++) {
      all.append(c);
    }
    all.append("\uD800").append("\uDFFF").append("\uD83D\uDE00");
    String text = all.toString();

    assertThat(JsonParser.parse(JsonWriter.quote(text))).isEqualTo(text);
  }

  @Test
  void refusesWhatJsonCannotHold() {
    assertThatThrownBy(() -> JsonWriter.write(Map.of("ratings", List.of(Double.NaN))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("$.ratings[0]: NaN (expected: a finite number)");
    assertThatThrownBy(() -> JsonWriter.write(Map.of(1, "one")))
        .hasMessage("$: object key 1 (expected: a string)");
    assertThatThrownBy(() -> JsonWriter.write(Arrays.asList(new Object())))
        .hasMessageStartingWith("$[0]: java.lang.Object (expected:");
  }
}
