package io.trellis.proxy.xds;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.admin.v3.ConfigDump;
import io.envoyproxy.envoy.admin.v3.ListenersConfigDump;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import org.junit.jupiter.api.Test;

/** Private keys are redacted wherever a dump holds them, even inside typed_config; file names and certificates stay. */
class SensitiveFieldsTest {
  private static Listener listener(DataSource key) {
    DownstreamTlsContext tls = DownstreamTlsContext.newBuilder().setCommonTlsContext(CommonTlsContext.newBuilder()
        .addTlsCertificates(TlsCertificate.newBuilder()
            .setCertificateChain(DataSource.newBuilder().setInlineString("CERT"))
            .setPrivateKey(key))).build();
    Listener l = XdsFixtures.rdsListener("l", 443, "r");
    return l.toBuilder().setFilterChains(0, l.getFilterChains(0).toBuilder()
        .setTransportSocket(TransportSocket.newBuilder().setName("envoy.transport_sockets.tls").setTypedConfig(Any.pack(tls)))).build();
  }

  private static TlsCertificate certificateOf(ConfigDump dump) throws Exception {
    Listener l = dump.getConfigs(0).unpack(ListenersConfigDump.class).getStaticListeners(0).getListener().unpack(Listener.class);
    return l.getFilterChains(0).getTransportSocket().getTypedConfig().unpack(DownstreamTlsContext.class)
        .getCommonTlsContext().getTlsCertificates(0);
  }

  private static ConfigDump dumpOf(Listener l) {
    return ConfigDump.newBuilder().addConfigs(Any.pack(ListenersConfigDump.newBuilder()
        .addStaticListeners(ListenersConfigDump.StaticListener.newBuilder().setListener(Any.pack(l))).build())).build();
  }

  @Test
  void inlineKeysInsideTypedConfigAreRedacted() throws Exception {
    ConfigDump redacted = SensitiveFields.redact(dumpOf(listener(DataSource.newBuilder().setInlineString("-----BEGIN PRIVATE KEY-----").build())));
    TlsCertificate c = certificateOf(redacted);
    assertThat(c.getPrivateKey().getInlineString()).isEqualTo("[redacted]");
    assertThat(c.getCertificateChain().getInlineString()).isEqualTo("CERT");
    assertThat(redacted.toString()).doesNotContain("BEGIN PRIVATE KEY");
  }

  @Test
  void keyFileNamesAreNotSecretAndStay() throws Exception {
    ConfigDump original = dumpOf(listener(DataSource.newBuilder().setFilename("/etc/certs/key.pem").build()));
    ConfigDump redacted = SensitiveFields.redact(original);
    assertThat(certificateOf(redacted).getPrivateKey().getFilename()).isEqualTo("/etc/certs/key.pem");
    assertThat(redacted).isSameAs(original);
  }
}
