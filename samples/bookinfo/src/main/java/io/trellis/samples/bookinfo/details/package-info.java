/**
 * The details service: a book's bibliographic facts, shown beside the reviews on the product
 * page. Its data is fixed, as in Istio's details v1.
 */
package io.trellis.samples.bookinfo.details;
