/**
 * Reading configuration: files and directories of YAML or JSON become located source trees, then
 * typed {@link io.trellis.api.model.Resource}s. Binding reports every problem with its file, line
 * and field path instead of stopping at the first, so one run of {@code trellis validate} shows a
 * person everything to fix.
 */
package io.trellis.api.load;
