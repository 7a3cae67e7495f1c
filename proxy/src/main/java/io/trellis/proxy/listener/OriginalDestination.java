package io.trellis.proxy.listener;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollSocketChannel;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * The original destination of a connection redirected by iptables (Linux {@code SO_ORIGINAL_DST}),
 * read with {@code getsockopt} through the foreign-function API. Without a redirect (or off epoll)
 * the kernel has none and the listener falls back to the local address, as Envoy's original_dst
 * filter does.
 */
final class OriginalDestination {
  private static final int SOL_IP = 0;
  private static final int SO_ORIGINAL_DST = 80;
  private static final MethodHandle GETSOCKOPT = lookup();

  private OriginalDestination() {}

  private static MethodHandle lookup() {
    try {
      Linker linker = Linker.nativeLinker();
      return linker.defaultLookup().find("getsockopt")
          .map(f -> linker.downcallHandle(f, FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS)))
          .orElse(null);
    } catch (RuntimeException | LinkageError e) {
      return null;
    }
  }

  /** The IPv4 original destination, or {@code null} when there is none. */
  static InetSocketAddress of(Channel channel) {
    if (GETSOCKOPT == null || !(channel instanceof EpollSocketChannel epoll)) {
      return null;
    }
    int fd = epoll.fd().intValue();
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment addr = arena.allocate(16);
      MemorySegment len = arena.allocate(JAVA_INT);
      len.set(JAVA_INT, 0, 16);
      int rc = (int) GETSOCKOPT.invokeExact(fd, SOL_IP, SO_ORIGINAL_DST, addr, len);
      if (rc != 0 || addr.get(JAVA_SHORT, 0) != 2) {
        return null;
      }
      int port = (addr.get(JAVA_BYTE, 2) & 0xff) << 8 | addr.get(JAVA_BYTE, 3) & 0xff;
      byte[] ip = addr.asSlice(4, 4).toArray(JAVA_BYTE);
      return new InetSocketAddress(InetAddress.getByAddress(ip), port);
    } catch (UnknownHostException e) {
      return null;
    } catch (Throwable t) {
      return null;
    }
  }
}
