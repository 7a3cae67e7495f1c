/**
 * The control plane: config sources and the service registry feed an immutable push context, which
 * is translated per proxy into Envoy xDS resources and served over ADS.
 */
package io.trellis.control;
