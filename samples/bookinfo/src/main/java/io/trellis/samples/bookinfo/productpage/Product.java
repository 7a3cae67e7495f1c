package io.trellis.samples.bookinfo.productpage;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A book the store sells. {@code descriptionHtml} is markup this application wrote itself,
 * rendered as is; everything that comes from a user or another service is escaped instead.
 */
public record Product(int id, String title, String descriptionHtml) {
  /** Bookinfo sells one book, as Istio's does. */
  public static final List<Product> CATALOG = List.of(new Product(0, "The Comedy of Errors",
      "<a href=\"https://en.wikipedia.org/wiki/The_Comedy_of_Errors\">Wikipedia</a>: one of"
          + " <b>William Shakespeare's</b> first plays and his shortest comedy. Two pairs of"
          + " identical twins, parted as infants, arrive in the same town on the same day, and"
          + " the confusion builds from there into slapstick and wordplay."));

  /** This product as the products API lists it. */
  public Map<String, Object> toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("id", id);
    json.put("title", title);
    json.put("descriptionHtml", descriptionHtml);
    return json;
  }
}
