/** The transport the whole proxy shares: one set of event loops, epoll on Linux and NIO elsewhere. */
package io.trellis.proxy.net;
