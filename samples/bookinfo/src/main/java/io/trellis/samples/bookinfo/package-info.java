/** Bookinfo, Istio's sample application, written in Java: productpage, details, reviews, ratings. */
package io.trellis.samples.bookinfo;
