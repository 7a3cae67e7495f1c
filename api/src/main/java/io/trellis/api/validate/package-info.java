/**
 * Validation with the semantics of Istio's validating webhook: what Istio rejects is an ERROR,
 * what it warns about is a WARNING, and every problem names its file, line, resource and field.
 */
package io.trellis.api.validate;
