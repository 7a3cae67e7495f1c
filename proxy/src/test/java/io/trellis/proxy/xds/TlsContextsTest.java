package io.trellis.proxy.xds;

import static io.trellis.proxy.xds.XdsFixtures.rdsListener;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import io.envoyproxy.envoy.config.core.v3.ApiConfigSource;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsParameters;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.trellis.proxy.config.listener.ListenerConfig;
import io.trellis.proxy.tls.DownstreamTlsConfig;
import io.trellis.proxy.tls.SecretRef;
import io.trellis.proxy.tls.TestPki;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Listener transport sockets and SDS secrets into TLS records, and the errors (with paths) for what is wrong. */
class TlsContextsTest {
  static final TestPki PKI = new TestPki("ca");
  static final TestPki.Issued SERVER = PKI.issue("server", "DNS:server.test");

  static TlsCertificate certificate(String chain, String key) {
    return TlsCertificate.newBuilder()
        .setCertificateChain(DataSource.newBuilder().setInlineString(chain))
        .setPrivateKey(DataSource.newBuilder().setInlineString(key))
        .build();
  }

  static Listener withTls(DownstreamTlsContext ctx) {
    Listener l = rdsListener("tls", 8443, "routes");
    return l.toBuilder()
        .setFilterChains(0, l.getFilterChains(0).toBuilder().setTransportSocket(
            TransportSocket.newBuilder().setName("envoy.transport_sockets.tls").setTypedConfig(Any.pack(ctx))))
        .build();
  }

  static DownstreamTlsContext.Builder inline() {
    return DownstreamTlsContext.newBuilder().setCommonTlsContext(
        CommonTlsContext.newBuilder().addAlpnProtocols("h2").addAlpnProtocols("http/1.1")
            .addTlsCertificates(certificate(SERVER.certificatePem(), SERVER.privateKeyPem())));
  }

  static List<String> errors(Listener l) {
    ValidationErrors errors = ValidationErrors.forResource("Listener", l.getName());
    ListenerConfig c = ListenerResource.INSTANCE.parse(l, errors);
    assertThat(c).isNull();
    return errors.messages();
  }

  @Test
  void mutualTlsContextConvertsWithItsValidation() {
    DownstreamTlsContext.Builder ctx = inline().setRequireClientCertificate(BoolValue.of(true));
    ctx.getCommonTlsContextBuilder().setValidationContext(CertificateValidationContext.newBuilder()
        .setTrustedCa(DataSource.newBuilder().setInlineString(PKI.caPem()))
        .addMatchTypedSubjectAltNames(SubjectAltNameMatcher.newBuilder().setSanType(SubjectAltNameMatcher.SanType.URI)
            .setMatcher(StringMatcher.newBuilder().setPrefix("spiffe://cluster.local/"))));
    ValidationErrors errors = ValidationErrors.forResource("Listener", "tls");
    ListenerConfig c = ListenerResource.INSTANCE.parse(withTls(ctx.build()), errors);
    assertThat(errors.messages()).isEmpty();
    DownstreamTlsConfig tls = c.filterChains().getFirst().tls();
    assertThat(tls.requireClientCertificate()).isTrue();
    assertThat(tls.alpnProtocols()).containsExactly("h2", "http/1.1");
    assertThat(tls.validation().trustedCaPem()).isEqualTo(PKI.caPem());
    assertThat(tls.validation().subjectAltNames()).hasSize(1);
    assertThat(tls.certificates().getFirst().toString()).doesNotContain("PRIVATE KEY").contains("[redacted]");
  }

  @Test
  void aChainThatIsNotPemIsRejectedWithItsPath() {
    Listener l = withTls(DownstreamTlsContext.newBuilder().setCommonTlsContext(
        CommonTlsContext.newBuilder().addTlsCertificates(certificate("garbage", SERVER.privateKeyPem()))).build());
    assertThat(errors(l)).singleElement().asString()
        .startsWith("Listener [tls] filter_chains[0] transport_socket typed_config common_tls_context tls_certificates[0]: certificate_chain: no PEM certificate");
  }

  @Test
  void aKeyThatDoesNotMatchTheCertificateIsRejected() {
    TestPki.Issued other = PKI.issue("other");
    Listener l = withTls(DownstreamTlsContext.newBuilder().setCommonTlsContext(
        CommonTlsContext.newBuilder().addTlsCertificates(certificate(SERVER.certificatePem(), other.privateKeyPem()))).build());
    assertThat(errors(l)).singleElement().asString()
        .contains("common_tls_context tls_certificates[0]: private_key:")
        .contains("expected: an unencrypted PEM key that matches the certificate_chain's leaf");
  }

  @Test
  void unsupportedCipherSuitesAndOldVersionsAreRejected() {
    DownstreamTlsContext.Builder ctx = inline();
    ctx.getCommonTlsContextBuilder().setTlsParams(TlsParameters.newBuilder()
        .setTlsMinimumProtocolVersion(TlsParameters.TlsProtocol.TLSv1_0)
        .addCipherSuites("[ECDHE-ECDSA-AES128-GCM-SHA256|ECDHE-RSA-AES128-GCM-SHA256]")
        .addCipherSuites("NOT-A-CIPHER"));
    assertThat(errors(withTls(ctx.build())))
        .anySatisfy(e -> assertThat(e).contains("tls_params tls_minimum_protocol_version: TLSv1_0 is not supported"))
        .anySatisfy(e -> assertThat(e).contains("tls_params: cipher_suites[2]: 'NOT-A-CIPHER' is not supported"));
  }

  @Test
  void supportedCipherSuitesInBoringSslGroupsAreAccepted() {
    DownstreamTlsContext.Builder ctx = inline();
    ctx.getCommonTlsContextBuilder().setTlsParams(TlsParameters.newBuilder()
        .setTlsMaximumProtocolVersion(TlsParameters.TlsProtocol.TLSv1_2)
        .addCipherSuites("[ECDHE-ECDSA-AES128-GCM-SHA256|ECDHE-ECDSA-CHACHA20-POLY1305]")
        .addCipherSuites("ECDHE-ECDSA-AES256-GCM-SHA384"));
    ValidationErrors errors = ValidationErrors.forResource("Listener", "tls");
    ListenerConfig c = ListenerResource.INSTANCE.parse(withTls(ctx.build()), errors);
    assertThat(errors.messages()).isEmpty();
    assertThat(c.filterChains().getFirst().tls().parameters().cipherSuites())
        .containsExactly("ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-ECDSA-AES256-GCM-SHA384");
    assertThat(c.filterChains().getFirst().tls().parameters().protocols()).containsExactly("TLSv1.2");
  }

  @Test
  void requiringClientCertificatesWithoutACaIsRejected() {
    assertThat(errors(withTls(inline().setRequireClientCertificate(BoolValue.of(true)).build())))
        .singleElement().asString().contains("require_client_certificate: true without a trusted_ca");
  }

  @Test
  void sdsReferencesOverAdsOrStaticAreAcceptedOtherSourcesAreNot() {
    DownstreamTlsContext ads = DownstreamTlsContext.newBuilder().setCommonTlsContext(CommonTlsContext.newBuilder()
        .addTlsCertificateSdsSecretConfigs(SdsSecretConfig.newBuilder().setName("cert").setSdsConfig(XdsFixtures.ads()))
        .setValidationContextSdsSecretConfig(SdsSecretConfig.newBuilder().setName("ca"))).build();
    ValidationErrors errors = ValidationErrors.forResource("Listener", "tls");
    ListenerConfig c = ListenerResource.INSTANCE.parse(withTls(ads), errors);
    assertThat(errors.messages()).isEmpty();
    assertThat(c.filterChains().getFirst().tls().secretRefs()).containsExactly(new SecretRef("cert", true), new SecretRef("ca", false));

    DownstreamTlsContext grpc = DownstreamTlsContext.newBuilder().setCommonTlsContext(CommonTlsContext.newBuilder()
        .addTlsCertificateSdsSecretConfigs(SdsSecretConfig.newBuilder().setName("default").setSdsConfig(
            ConfigSource.newBuilder().setApiConfigSource(ApiConfigSource.newBuilder().setApiType(ApiConfigSource.ApiType.GRPC))))).build();
    assertThat(errors(withTls(grpc))).singleElement().asString()
        .contains("tls_certificate_sds_secret_configs[0] sds_config: api_config_source is not supported (expected: ads: {}");
  }

  @Test
  void aSecretWithBadPemIsRejectedNamingTheSecretAndField() {
    Secret bad = Secret.newBuilder().setName("server-cert")
        .setTlsCertificate(certificate("-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n", SERVER.privateKeyPem()))
        .build();
    ValidationErrors errors = ValidationErrors.forResource("Secret", "server-cert");
    assertThat(SecretResource.INSTANCE.parse(bad, errors)).isNull();
    assertThat(errors.messages()).singleElement().asString()
        .startsWith("Secret [server-cert] tls_certificate: certificate_chain: cannot parse the PEM certificates");

    Secret good = Secret.newBuilder().setName("server-cert").setTlsCertificate(certificate(SERVER.certificatePem(), SERVER.privateKeyPem())).build();
    ValidationErrors ok = ValidationErrors.forResource("Secret", "server-cert");
    assertThat(SecretResource.INSTANCE.parse(good, ok).certificate().certificateChainPem()).isEqualTo(SERVER.certificatePem());
    assertThat(ok.messages()).isEmpty();
  }
}
