/**
 * Layer-4 pieces shared by every listener: the drain contract that listener updates use, and the
 * {@code tcp_proxy} network filter, which relays bytes both ways with back-pressure.
 */
package io.trellis.proxy.network;
