package io.trellis.proxy.dns;

import io.netty.channel.EventLoop;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.resolver.ResolvedAddressTypes;
import io.netty.resolver.dns.DnsCache;
import io.netty.resolver.dns.DnsCacheEntry;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.DnsServerAddressStreamProvider;
import io.netty.resolver.dns.DnsServerAddressStreamProviders;
import io.netty.resolver.dns.NoopDnsCnameCache;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.trellis.proxy.config.cluster.DnsLookupFamily;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Resolves names on one event loop with the system's resolvers and hosts file. Nothing is cached
 * here: a DNS cluster asks again at its refresh rate (or when the TTL runs out) and must get a fresh
 * answer, as Envoy's DNS clusters do.
 */
public final class DnsResolver implements AutoCloseable {
  private final EventLoop loop;
  private final DnsServerAddressStreamProvider nameServers;
  private final Map<ResolvedAddressTypes, DnsNameResolver> resolvers = new EnumMap<>(ResolvedAddressTypes.class);
  private final Map<String, Long> ttlSeconds = new HashMap<>(); // recorded per name by the capturing cache

  /**
   * Resolves with the name servers of {@code /etc/resolv.conf}. {@link #resolve} may be called from
   * any thread; it runs on {@code loop} (which must be an NIO loop) and completes there.
   */
  public DnsResolver(EventLoop loop) {
    this(loop, DnsServerAddressStreamProviders.platformDefault());
  }

  /** Resolves with the given name servers (tests run their own on loopback). */
  public DnsResolver(EventLoop loop, DnsServerAddressStreamProvider nameServers) {
    this.loop = loop;
    this.nameServers = nameServers;
  }

  /** Resolves {@code name} by Envoy's lookup-family rules. Fails with {@link UnknownHostException}. */
  public Future<DnsAnswer> resolve(String name, DnsLookupFamily family) {
    Promise<DnsAnswer> answer = loop.newPromise();
    loop.execute(() -> {
      ResolvedAddressTypes types = switch (family) {
        case V4_ONLY -> ResolvedAddressTypes.IPV4_ONLY;
        case V6_ONLY -> ResolvedAddressTypes.IPV6_ONLY;
        case AUTO, V4_PREFERRED, ALL -> ResolvedAddressTypes.IPV4_PREFERRED; // both families; filtered below
      };
      String key = name.toLowerCase(java.util.Locale.ROOT);
      ttlSeconds.remove(key);
      resolver(types).resolveAll(name).addListener((Future<List<InetAddress>> f) -> {
        Long ttl = ttlSeconds.remove(key);
        if (!f.isSuccess()) {
          answer.tryFailure(f.cause());
          return;
        }
        List<InetAddress> chosen = choose(f.getNow(), family);
        if (chosen.isEmpty()) {
          answer.tryFailure(new UnknownHostException(name + ": no " + family + " address"));
        } else {
          answer.trySuccess(new DnsAnswer(chosen, ttl == null ? null : Duration.ofSeconds(ttl)));
        }
      });
    });
    return answer;
  }

  /** AUTO prefers IPv6 and falls back to IPv4; V4_PREFERRED the reverse; ALL keeps both (IPv4 first). */
  static List<InetAddress> choose(List<InetAddress> all, DnsLookupFamily family) {
    List<InetAddress> v4 = new ArrayList<>();
    List<InetAddress> v6 = new ArrayList<>();
    for (InetAddress a : all) {
      (a instanceof Inet6Address ? v6 : v4).add(a);
    }
    return switch (family) {
      case V4_ONLY -> v4;
      case V6_ONLY -> v6;
      case AUTO -> v6.isEmpty() ? v4 : v6;
      case V4_PREFERRED -> v4.isEmpty() ? v6 : v4;
      case ALL -> {
        List<InetAddress> both = new ArrayList<>(v4);
        both.addAll(v6);
        yield both;
      }
    };
  }

  private DnsNameResolver resolver(ResolvedAddressTypes types) {
    return resolvers.computeIfAbsent(types, t -> new DnsNameResolverBuilder(loop)
        .datagramChannelType(NioDatagramChannel.class)
        .resolvedAddressTypes(t)
        .nameServerProvider(nameServers)
        .resolveCache(new TtlCapture())
        .cnameCache(NoopDnsCnameCache.INSTANCE)
        .build());
  }

  @Override
  public void close() {
    loop.execute(() -> {
      resolvers.values().forEach(DnsNameResolver::close);
      resolvers.clear();
    });
  }

  /** A cache that caches nothing but notes each name's smallest TTL for the answer being built. */
  private final class TtlCapture implements DnsCache {
    @Override
    public void clear() {}

    @Override
    public boolean clear(String hostname) {
      return false;
    }

    @Override
    public List<? extends DnsCacheEntry> get(String hostname, DnsRecord[] additionals) {
      return null;
    }

    @Override
    public DnsCacheEntry cache(String hostname, DnsRecord[] additionals, InetAddress address, long originalTtl,
        EventLoop eventLoop) {
      note(hostname, originalTtl);
      return new Entry(hostname, address, null);
    }

    @Override
    public DnsCacheEntry cache(String hostname, DnsRecord[] additionals, Throwable cause, EventLoop eventLoop) {
      return new Entry(hostname, null, cause);
    }

    private void note(String hostname, long ttl) {
      String key = hostname.endsWith(".") ? hostname.substring(0, hostname.length() - 1) : hostname;
      ttlSeconds.merge(key.toLowerCase(java.util.Locale.ROOT), ttl, Math::min);
    }
  }

  private record Entry(String hostname, InetAddress address, Throwable cause) implements DnsCacheEntry {}
}
