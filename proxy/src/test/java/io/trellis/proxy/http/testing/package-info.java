/**
 * Test-only fixtures for the downstream half of the proxy: real backends on 127.0.0.1 port 0, a
 * cluster manager double that opens one connection per stream, curl and raw-socket clients, and a
 * ByteBuf leak check. None of this is product code.
 */
package io.trellis.proxy.http.testing;
