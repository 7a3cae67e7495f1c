package io.trellis.proxy.xds;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.core.v3.RuntimeFractionalPercent;
import io.envoyproxy.envoy.config.core.v3.TypedExtensionConfig;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy.RetryBackOff;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy.RetryHostPredicate;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import io.trellis.proxy.config.route.ForwardAction;
import io.trellis.proxy.config.route.RequestMirrorPolicy;
import io.trellis.proxy.config.route.RetryPolicy;
import io.trellis.proxy.config.route.RetryPolicy.RetryOn;
import io.trellis.proxy.config.route.Route;
import io.trellis.proxy.config.route.RouteMatch;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Envoy's retry, mirror and duration settings into the route records, and the errors for what is not supported. */
class RouteResilienceTest {
  private static final Route CONVERTED = new Route("r", RouteMatch.prefix("/"), ForwardAction.to("c"));

  private static com.google.protobuf.Duration ms(long millis) {
    return com.google.protobuf.Duration.newBuilder().setSeconds(millis / 1000).setNanos((int) (millis % 1000) * 1_000_000).build();
  }

  private static io.envoyproxy.envoy.config.route.v3.Route route(RouteAction.Builder action) {
    return io.envoyproxy.envoy.config.route.v3.Route.newBuilder().setName("r").setRoute(action.setCluster("c")).build();
  }

  private static ForwardAction apply(VirtualHost vh, io.envoyproxy.envoy.config.route.v3.Route r, ValidationErrors errors) {
    Route out = RouteResilience.apply(vh, r, CONVERTED, errors);
    return out == null ? null : (ForwardAction) out.action();
  }

  @Test
  void aFullRetryPolicyAndMirrorsConvert() {
    var policy = io.envoyproxy.envoy.config.route.v3.RetryPolicy.newBuilder()
        .setRetryOn("5xx, connect-failure,unavailable,retriable-status-codes")
        .setNumRetries(UInt32Value.of(3))
        .setPerTryTimeout(ms(2000))
        .setPerTryIdleTimeout(ms(500))
        .addRetriableStatusCodes(418)
        .addRetryHostPredicate(RetryHostPredicate.newBuilder().setName("envoy.retry_host_predicates.previous_hosts")
            .setTypedConfig(Any.newBuilder().setTypeUrl(RouteResilience.PREVIOUS_HOSTS_TYPE)))
        .setHostSelectionRetryMaxAttempts(5)
        .setRetryBackOff(RetryBackOff.newBuilder().setBaseInterval(ms(100)).setMaxInterval(ms(1000)))
        .addRetriableHeaders(io.envoyproxy.envoy.config.route.v3.HeaderMatcher.newBuilder().setName("x-retry").setPresentMatch(true));
    RouteAction.Builder a = RouteAction.newBuilder().setRetryPolicy(policy)
        .addRequestMirrorPolicies(RouteAction.RequestMirrorPolicy.newBuilder().setCluster("shadow")
            .setRuntimeFraction(RuntimeFractionalPercent.newBuilder().setDefaultValue(FractionalPercent.newBuilder()
                .setNumerator(50).setDenominator(FractionalPercent.DenominatorType.TEN_THOUSAND))))
        .addRequestMirrorPolicies(RouteAction.RequestMirrorPolicy.newBuilder().setCluster("all"))
        .setMaxStreamDuration(RouteAction.MaxStreamDuration.newBuilder().setMaxStreamDuration(ms(30_000)));
    VirtualHost vh = VirtualHost.newBuilder().setName("vh").setIncludeRequestAttemptCount(true).setIncludeIsTimeoutRetryHeader(true)
        .setPerRequestBufferLimitBytes(UInt32Value.of(4096)).build();
    ValidationErrors errors = ValidationErrors.forResource("RouteConfiguration", "rc");
    ForwardAction f = apply(vh, route(a), errors);
    assertThat(errors.messages()).isEmpty();
    RetryPolicy r = f.retryPolicy();
    assertThat(r.retryOn()).containsExactlyInAnyOrder(RetryOn.FIVE_XX, RetryOn.CONNECT_FAILURE, RetryOn.GRPC_UNAVAILABLE,
        RetryOn.RETRIABLE_STATUS_CODES);
    assertThat(r.numRetries()).isEqualTo(3);
    assertThat(r.perTryTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(r.perTryIdleTimeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(r.retriableStatusCodes()).containsExactly(418);
    assertThat(r.retriableHeaders()).hasSize(1);
    assertThat(r.previousHosts()).isTrue();
    assertThat(r.hostSelectionRetryMaxAttempts()).isEqualTo(5);
    assertThat(r.backOffBase()).isEqualTo(Duration.ofMillis(100));
    assertThat(r.backOffMax()).isEqualTo(Duration.ofSeconds(1));
    assertThat(f.requestMirrorPolicies()).containsExactly(new RequestMirrorPolicy("shadow", 50, 10_000),
        new RequestMirrorPolicy("all", 100, 100));
    assertThat(f.maxStreamDuration()).isEqualTo(Duration.ofSeconds(30));
    assertThat(f.includeAttemptCountInRequest()).isTrue();
    assertThat(f.includeAttemptCountInResponse()).isFalse();
    assertThat(f.includeIsTimeoutRetryHeader()).isTrue();
    assertThat(f.bufferLimitBytes()).isEqualTo(4096);
  }

  @Test
  void defaultsAreEnvoys() {
    var policy = io.envoyproxy.envoy.config.route.v3.RetryPolicy.newBuilder().setRetryOn("gateway-error");
    ForwardAction f = apply(VirtualHost.getDefaultInstance(), route(RouteAction.newBuilder().setRetryPolicy(policy)),
        ValidationErrors.forResource("RouteConfiguration", "rc"));
    assertThat(f.retryPolicy().numRetries()).isEqualTo(1);
    assertThat(f.retryPolicy().backOffBase()).isEqualTo(Duration.ofMillis(25));
    assertThat(f.retryPolicy().backOffMax()).isEqualTo(Duration.ofMillis(250));
    assertThat(f.retryPolicy().hostSelectionRetryMaxAttempts()).isEqualTo(1);
    assertThat(f.retryPolicy().previousHosts()).isFalse();
    assertThat(f.bufferLimitBytes()).isEqualTo(ForwardAction.DEFAULT_BUFFER_LIMIT_BYTES);
    assertThat(f.requestMirrorPolicies()).isEmpty();
  }

  @Test
  void theVirtualHostPolicyAppliesOnlyToRoutesWithoutTheirOwn() {
    VirtualHost vh = VirtualHost.newBuilder().setName("vh").setRetryPolicy(
        io.envoyproxy.envoy.config.route.v3.RetryPolicy.newBuilder().setRetryOn("reset").setNumRetries(UInt32Value.of(4))).build();
    ForwardAction fallback = apply(vh, route(RouteAction.newBuilder()), ValidationErrors.forResource("RouteConfiguration", "rc"));
    assertThat(fallback.retryPolicy().retryOn()).containsExactly(RetryOn.RESET);
    assertThat(fallback.retryPolicy().numRetries()).isEqualTo(4);
    ForwardAction own = apply(vh, route(RouteAction.newBuilder().setRetryPolicy(
        io.envoyproxy.envoy.config.route.v3.RetryPolicy.newBuilder().setRetryOn("5xx"))), ValidationErrors.forResource("RouteConfiguration", "rc"));
    assertThat(own.retryPolicy().retryOn()).isEqualTo(Set.of(RetryOn.FIVE_XX));
    assertThat(own.retryPolicy().numRetries()).isEqualTo(1);
    ForwardAction none = apply(VirtualHost.getDefaultInstance(), route(RouteAction.newBuilder()), ValidationErrors.forResource("RouteConfiguration", "rc"));
    assertThat(none.retryPolicy()).isNull();
  }

  @Test
  void whatCannotBeHonouredIsRejectedWithItsPath() {
    var policy = io.envoyproxy.envoy.config.route.v3.RetryPolicy.newBuilder()
        .setRetryOn("5xx,5xxx")
        .addRetryHostPredicate(RetryHostPredicate.newBuilder().setName("envoy.retry_host_predicates.omit_canary_hosts"))
        .addRetriableRequestHeaders(io.envoyproxy.envoy.config.route.v3.HeaderMatcher.newBuilder().setName("x").setPresentMatch(true));
    RouteAction.Builder a = RouteAction.newBuilder().setRetryPolicy(policy)
        .addRequestMirrorPolicies(RouteAction.RequestMirrorPolicy.newBuilder().setClusterHeader("x-mirror"))
        .setMaxStreamDuration(RouteAction.MaxStreamDuration.newBuilder().setGrpcTimeoutHeaderOffset(ms(100)));
    ValidationErrors errors = ValidationErrors.forResource("RouteConfiguration", "rc").at("Route [r]");
    assertThat(apply(VirtualHost.getDefaultInstance(), route(a), errors)).isNull();
    List<String> m = errors.messages();
    assertThat(m).anySatisfy(s -> assertThat(s).startsWith("RouteConfiguration [rc] Route [r] route retry_policy: retry_on: '5xxx' (expected:"));
    assertThat(m).anySatisfy(s -> assertThat(s).isEqualTo("RouteConfiguration [rc] Route [r] route retry_policy retry_host_predicate[0]:"
        + " 'envoy.retry_host_predicates.omit_canary_hosts' is not supported (expected: envoy.retry_host_predicates.previous_hosts)"));
    assertThat(m).anySatisfy(s -> assertThat(s).endsWith("retriable_request_headers is not supported"));
    assertThat(m).anySatisfy(s -> assertThat(s).isEqualTo(
        "RouteConfiguration [rc] Route [r] route request_mirror_policies[0]: cluster_header is not supported (expected: cluster)"));
    assertThat(m).contains("RouteConfiguration [rc] Route [r] route max_stream_duration grpc_timeout_header_offset: not supported");
  }

  @Test
  void badValuesInsideRecordsAreReportedToo() {
    var policy = io.envoyproxy.envoy.config.route.v3.RetryPolicy.newBuilder().setRetryOn("retriable-status-codes").addRetriableStatusCodes(99)
        .setRetryBackOff(RetryBackOff.newBuilder().setBaseInterval(ms(500)).setMaxInterval(ms(100)));
    ValidationErrors errors = ValidationErrors.forResource("RouteConfiguration", "rc");
    assertThat(apply(VirtualHost.getDefaultInstance(), route(RouteAction.newBuilder().setRetryPolicy(policy)), errors)).isNull();
    assertThat(errors.messages()).hasSize(1);
    assertThat(errors.messages().get(0)).startsWith("RouteConfiguration [rc] route retry_policy: retry_policy.retriable_status_codes[0]: 99");
  }

  @Test
  void rdsCarriesRetriesMirrorsAndDurationsAndNacksWhatItCannotHonour() {
    var good = io.envoyproxy.envoy.config.route.v3.RouteConfiguration.newBuilder().setName("rc")
        .addVirtualHosts(VirtualHost.newBuilder().setName("vh").addDomains("*").setIncludeAttemptCountInResponse(true)
            .setRetryPolicy(io.envoyproxy.envoy.config.route.v3.RetryPolicy.newBuilder().setRetryOn("connect-failure"))
            .addRoutes(io.envoyproxy.envoy.config.route.v3.Route.newBuilder().setName("r")
                .setMatch(io.envoyproxy.envoy.config.route.v3.RouteMatch.newBuilder().setPrefix("/"))
                .setRoute(RouteAction.newBuilder().setCluster("c")
                    .addRequestMirrorPolicies(RouteAction.RequestMirrorPolicy.newBuilder().setCluster("shadow")))))
        .build();
    ValidationErrors errors = ValidationErrors.forResource("RouteConfiguration", "rc");
    var config = RouteConfigurationResource.INSTANCE.parse(good, errors);
    assertThat(errors.messages()).isEmpty();
    ForwardAction f = (ForwardAction) config.virtualHosts().get(0).routes().get(0).action();
    assertThat(f.retryPolicy().retryOn()).containsExactly(RetryOn.CONNECT_FAILURE);
    assertThat(f.requestMirrorPolicies()).containsExactly(RequestMirrorPolicy.all("shadow"));
    assertThat(f.includeAttemptCountInResponse()).isTrue();

    var bad = good.toBuilder().setVirtualHosts(0, good.getVirtualHosts(0).toBuilder()
        .setRetryPolicy(io.envoyproxy.envoy.config.route.v3.RetryPolicy.newBuilder().setRetryOn("sometimes"))).build();
    ValidationErrors badErrors = ValidationErrors.forResource("RouteConfiguration", "rc");
    assertThat(RouteConfigurationResource.INSTANCE.parse(bad, badErrors)).isNull();
    assertThat(badErrors.messages()).anySatisfy(m -> assertThat(m).contains("Route [r]").contains("retry_on: 'sometimes'"));
  }
}
