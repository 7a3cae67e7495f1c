package io.trellis.api.model.networking;

import io.trellis.api.model.Frozen;
import io.trellis.api.model.OneOf;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Istio's {@code LoadBalancerSettings}: a simple policy or consistent hashing, locality and warmup. */
public record LoadBalancerSettings(
    @OneOf("lb_policy") SimpleLb simple,
    @OneOf("lb_policy") ConsistentHashLb consistentHash,
    LocalityLoadBalancerSetting localityLbSetting,
    Duration warmupDurationSecs,
    WarmupConfiguration warmup) {

  public enum SimpleLb {
    UNSPECIFIED,
    LEAST_CONN,
    RANDOM,
    PASSTHROUGH,
    ROUND_ROBIN,
    LEAST_REQUEST
  }

  /** Hash-based affinity: exactly one hash key, optionally ring-hash or Maglev parameters. */
  public record ConsistentHashLb(
      @OneOf("hash_key") String httpHeaderName,
      @OneOf("hash_key") HttpCookie httpCookie,
      @OneOf("hash_key") Boolean useSourceIp,
      @OneOf("hash_key") String httpQueryParameterName,
      @OneOf("hash_algorithm") RingHash ringHash,
      @OneOf("hash_algorithm") MagLev maglev,
      long minimumRingSize) {

    public record HttpCookie(String name, String path, Duration ttl, List<Attribute> attributes) {
      public HttpCookie {
        attributes = Frozen.list(attributes);
      }

      /** An extra cookie attribute, such as {@code SameSite=Strict}. */
      public record Attribute(String name, String value) {}
    }

    public record RingHash(long minimumRingSize) {}

    public record MagLev(long tableSize) {}
  }

  /** Warmup (slow start) of new endpoints. */
  public record WarmupConfiguration(Duration duration, Double minimumPercent, Double aggression) {}

  /** Istio's {@code LocalityLoadBalancerSetting}. */
  public record LocalityLoadBalancerSetting(
      List<Distribute> distribute, List<Failover> failover, List<String> failoverPriority, Boolean enabled) {
    public LocalityLoadBalancerSetting {
      distribute = Frozen.list(distribute);
      failover = Frozen.list(failover);
      failoverPriority = Frozen.list(failoverPriority);
    }


    /** Weights from one origin locality to target localities. */
    public record Distribute(String from, Map<String, Integer> to) {
      public Distribute {
        to = Frozen.map(to);
      }
    }

    /** Where traffic goes when a region has no healthy endpoint. */
    public record Failover(String from, String to) {}
  }
}
