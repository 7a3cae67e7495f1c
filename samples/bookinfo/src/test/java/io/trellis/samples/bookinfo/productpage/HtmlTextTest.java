package io.trellis.samples.bookinfo.productpage;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HtmlTextTest {
  @Test
  void escapesMarkupAndBothQuotes() {
    assertThat(HtmlText.escape("<img src=x onerror=\"alert('1')\">&amp;"))
        .isEqualTo("&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt;&amp;amp;");
  }

  @Test
  void leavesPlainTextAlone() {
    String plain = "jason ★ café";
    assertThat(HtmlText.escape(plain)).isSameAs(plain);
  }
}
