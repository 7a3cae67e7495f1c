/**
 * When and how far configuration changes are pushed: a burst of changes is debounced into one push
 * (100 ms quiet, 10 s at most), and a change's kinds decide whether it is endpoints-only or full.
 * Which proxies receive a push is decided by the xDS server by content hash, so a change that
 * touches no proxy's resources sends nothing.
 */
package io.trellis.control.push;
