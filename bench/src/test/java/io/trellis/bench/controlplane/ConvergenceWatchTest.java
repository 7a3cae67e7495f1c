package io.trellis.bench.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The in-place marker search that times a change, and what it records. */
class ConvergenceWatchTest {

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void findsAMarkerAnywhereInTheBytesAndNothingThatIsNotThere() {
    ByteString routes = ByteString.copyFromUtf8("\n\u0004name\u0012\u0020outbound|8080|v2|svc-00001.ns-1.svc.cluster.local");
    assertThat(ConvergenceWatch.contains(routes, b("outbound|8080|v2|svc-00001.ns-1.svc.cluster.local"))).isTrue();
    assertThat(ConvergenceWatch.contains(routes, b("\n\u0004name"))).isTrue();
    assertThat(ConvergenceWatch.contains(routes, b("outbound|8080|v1|svc-00001"))).isFalse();
    assertThat(ConvergenceWatch.contains(routes, b("local!"))).as("a marker running past the end").isFalse();
    assertThat(ConvergenceWatch.contains(ByteString.EMPTY, b("x"))).isFalse();
    // a slice (how a parsed Any may hold its value) is searched within its own bounds only
    ByteString slice = ByteString.copyFromUtf8("xxMARKERyy").substring(2, 7);
    assertThat(ConvergenceWatch.contains(slice, b("MARKE"))).isTrue();
    assertThat(ConvergenceWatch.contains(slice, b("MARKER"))).isFalse();
  }

  @Test
  void findsMarkersInLongRepetitiveBytesLikeARouteConfiguration() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 2000; i++) {
      sb.append("outbound|8080|v1|svc-").append(String.format("%05d", i)).append(".ns-").append(i % 10).append(".svc.cluster.local;");
    }
    String routes = sb.toString();
    ByteString bytes = ByteString.copyFromUtf8(routes);
    for (String marker : List.of("outbound|8080|v1|svc-01999.ns-9", "outbound|8080|v1|svc-00000.ns-0", "cluster.local;outbound|8080|v1|svc-00777")) {
      assertThat(ConvergenceWatch.contains(bytes, b(marker))).as(marker).isTrue();
    }
    for (String marker : List.of("outbound|8080|v2|svc-01999.ns-9", "svc-02000", "outbound|8080|v1|svc-00001.ns-2")) {
      assertThat(ConvergenceWatch.contains(bytes, b(marker))).as(marker).isEqualTo(routes.contains(marker)).isFalse();
    }
  }

  @Test
  void recordsEachProxyOnceForTheWatchedTypeOnly() {
    ConvergenceWatch w = new ConvergenceWatch(java.util.Set.of(XdsTypes.ROUTE), "v2", 2, 1_000_000L);
    Any with = Any.newBuilder().setValue(ByteString.copyFromUtf8("to v2")).build();
    Any without = Any.newBuilder().setValue(ByteString.copyFromUtf8("to v1")).build();
    w.offer(0, XdsTypes.ENDPOINT, List.of(with), 2_000_000L);
    w.offer(0, XdsTypes.ROUTE, List.of(without), 3_000_000L);
    w.offer(0, XdsTypes.ROUTE, List.of(without, with), 4_000_000L);
    w.offer(0, XdsTypes.ROUTE, List.of(with), 9_000_000L);
    assertThat(w.latenciesMs()).containsExactly(3.0);
  }
}
