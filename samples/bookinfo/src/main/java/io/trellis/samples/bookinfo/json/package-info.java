/**
 * The little JSON the Bookinfo services exchange, written and read by hand so that the sample
 * depends on nothing but the JDK — an application in a mesh should need no library to be meshed.
 * Values are plain Java: {@code Map} (insertion-ordered), {@code List}, {@code String},
 * {@code Long}/{@code Double}, {@code Boolean} and {@code null}.
 */
package io.trellis.samples.bookinfo.json;
