package io.trellis.proxy.xds;

import com.google.protobuf.Any;
import com.google.protobuf.Timestamp;
import io.envoyproxy.envoy.admin.v3.SecretsConfigDump;
import io.envoyproxy.envoy.admin.v3.UpdateFailureState;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Envoy's {@code admin.v3.SecretsConfigDump} for {@code /config_dump}: the bootstrap's static secrets,
 * the SDS secrets in use ({@code dynamic_active_secrets}, with versions and the last NACK as
 * {@code error_state}) and those named but not yet received ({@code dynamic_warming_secrets}). Private
 * keys and passwords given inline are shown as {@code [redacted]}, as Envoy shows them; a file name
 * stays, since it is not the key.
 */
public final class SecretDumps {
  private SecretDumps() {}

  /**
   * @param statics the bootstrap's {@code static_resources.secrets}
   * @param sds the ADS client's SDS state ({@link TypeState#EMPTY} without ADS)
   * @param subscribed the SDS secret names the listeners need
   */
  public static SecretsConfigDump build(List<Secret> statics, Instant loaded, TypeState sds, Set<String> subscribed) {
    SecretsConfigDump.Builder dump = SecretsConfigDump.newBuilder();
    for (Secret s : statics) {
      dump.addStaticSecrets(SecretsConfigDump.StaticSecret.newBuilder()
          .setName(s.getName()).setLastUpdated(timestamp(loaded)).setSecret(Any.pack(redact(s))));
    }
    new TreeMap<>(sds.resources()).forEach((name, entry) -> {
      SecretsConfigDump.DynamicSecret.Builder d = SecretsConfigDump.DynamicSecret.newBuilder()
          .setName(name).setVersionInfo(entry.version()).setLastUpdated(timestamp(entry.lastUpdated()))
          .setSecret(redact(entry.proto()));
      errorState(sds.lastRejection(), name).ifPresent(d::setErrorState);
      dump.addDynamicActiveSecrets(d);
    });
    Set<String> warming = new TreeSet<>(subscribed);
    warming.removeAll(sds.resources().keySet());
    for (String name : warming) {
      SecretsConfigDump.DynamicSecret.Builder d = SecretsConfigDump.DynamicSecret.newBuilder().setName(name);
      errorState(sds.lastRejection(), name).ifPresent(d::setErrorState);
      dump.addDynamicWarmingSecrets(d);
    }
    return dump.build();
  }

  private static java.util.Optional<UpdateFailureState> errorState(RejectedUpdate r, String name) {
    if (r == null || !r.failedResources().containsKey(name)) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(UpdateFailureState.newBuilder()
        .setFailedConfiguration(redact(r.failedResources().get(name)))
        .setLastUpdateAttempt(timestamp(r.at()))
        .setDetails(r.details())
        .setVersionInfo(r.version())
        .build());
  }

  private static Any redact(Any any) {
    return SensitiveFields.redact(any);
  }

  private static Secret redact(Secret s) {
    return SensitiveFields.redact(s);
  }

  private static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
  }
}
