/**
 * The product page: the service users see, which calls details and reviews and renders one HTML
 * page from their answers. Its behaviour under failure is the sample's teaching material — a
 * 3 s timeout with one retry on reviews, a message in place of each section that did not
 * answer — and its login is how Istio's routing tasks tell one user (jason) from another: the
 * signed-in name travels to reviews as the {@code end-user} header.
 */
package io.trellis.samples.bookinfo.productpage;
