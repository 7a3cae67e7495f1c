/**
 * The {@code extensions.istio.io} kinds. WasmPlugin is loaded and validated so that Istio
 * configuration using it is accepted; Trellis does not run Wasm plugins yet.
 */
package io.trellis.api.model.extensions;
