/**
 * When configuration changes are pushed: a burst of changes is debounced into one push (100 ms
 * quiet, 10 s at most), labelled endpoints-only or full from the kinds that changed. What each
 * proxy receives is decided by the xDS server by content digest, so a change that touches no
 * proxy's resources sends nothing and an endpoint change sends only EDS.
 */
package io.trellis.control.push;
