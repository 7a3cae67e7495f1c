/**
 * The ratings service: the stars each reviewer gave a book, at the bottom of Bookinfo's call
 * chain, where Istio's fault-injection tasks add delays and aborts.
 */
package io.trellis.samples.bookinfo.ratings;
