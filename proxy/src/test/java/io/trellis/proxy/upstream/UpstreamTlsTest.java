package io.trellis.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.trellis.proxy.config.cluster.HttpProtocolOptions;
import io.trellis.proxy.config.cluster.UpstreamProtocolSelection;
import io.trellis.proxy.config.cluster.UpstreamTlsConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS origination with a certificate made by the real openssl program for each run. */
class UpstreamTlsTest extends UpstreamTestSupport {
  @TempDir static Path dir;
  static String certPem;
  static String keyPem;

  @BeforeAll
  static void makeCertificate() throws Exception {
    Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-nodes", "-keyout", dir.resolve("key.pem").toString(), "-out", dir.resolve("cert.pem").toString(),
        "-days", "1", "-subj", "/CN=backend.test", "-addext", "subjectAltName=DNS:backend.test")
        .redirectErrorStream(true).start();
    try {
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes())).isZero();
    } finally {
      p.destroyForcibly();
    }
    certPem = Files.readString(dir.resolve("cert.pem"));
    keyPem = Files.readString(dir.resolve("key.pem"));
  }

  private static SslContext server(String... alpn) throws Exception {
    SslContextBuilder b = SslContextBuilder.forServer(dir.resolve("cert.pem").toFile(), dir.resolve("key.pem").toFile());
    if (alpn.length > 0) {
      b.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
          ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
          ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, alpn));
    }
    return b.build();
  }

  private UpstreamCluster cluster(TestBackend b, UpstreamProtocolSelection protocol, UpstreamTlsConfig tls) {
    clusters.applyClusters(List.of(staticCluster("secure", b.port())
        .protocolOptions(HttpProtocolOptions.of(protocol)).tls(tls).build()));
    return clusters.cluster("secure");
  }

  private static UpstreamTlsConfig verifying(String san) {
    return new UpstreamTlsConfig("backend.test", List.of(), certPem, List.of(san), null, null);
  }

  @Test
  void alpnAutoSpeaksHttp2WhenTheServerOffersIt() throws Exception {
    TestBackend b = closing(TestBackend.tls("h2", true, server(ApplicationProtocolNames.HTTP_2)));
    UpstreamCluster c = cluster(b, UpstreamProtocolSelection.AUTO, verifying("backend.test"));
    for (int i = 0; i < 3; i++) {
      Exchange x = finish(Exchange.start(c, loop, Exchange.get("/ok"), HttpProtocol.HTTP_1_1));
      assertThat(x.text()).isEqualTo("ok h2 0");
      assertThat(x.stream.protocol()).isEqualTo(HttpProtocol.HTTP_2);
    }
    assertThat(b.connections).hasValue(1); // the probe connection is the one in use
  }

  @Test
  void alpnAutoFallsBackToHttp1() throws Exception {
    TestBackend b = closing(TestBackend.tls("h1", false, server(ApplicationProtocolNames.HTTP_1_1)));
    UpstreamCluster c = cluster(b, UpstreamProtocolSelection.AUTO, verifying("backend.test"));
    for (int i = 0; i < 3; i++) {
      Exchange x = finish(Exchange.start(c, loop, Exchange.get("/ok"), HttpProtocol.HTTP_1_1));
      assertThat(x.text()).isEqualTo("ok h1 0");
      assertThat(x.stream.protocol()).isEqualTo(HttpProtocol.HTTP_1_1);
    }
    assertThat(b.connections).hasValue(1);
  }

  @Test
  void aSubjectAltNameMismatchFailsTheConnection() throws Exception {
    TestBackend b = closing(TestBackend.tls("h1", false, server()));
    UpstreamCluster c = cluster(b, UpstreamProtocolSelection.HTTP1, verifying("someone-else.test"));
    UpstreamFailure f = failureOf(Exchange.start(c, loop, Exchange.get("/ok"), HttpProtocol.HTTP_1_1));
    assertThat(f.reason()).isEqualTo(UpstreamFailure.Reason.CONNECTION_FAILURE);
    assertThat(f.getMessage()).contains("no subject alt name matches [someone-else.test]");
    assertThat(counter("cluster.secure.upstream_cx_connect_fail")).isEqualTo(1);
  }

  @Test
  void explicitHttp2OverTlsAndClientCertificatesParse() throws Exception {
    TestBackend b = closing(TestBackend.tls("h2", true, server(ApplicationProtocolNames.HTTP_2)));
    UpstreamTlsConfig mtls = new UpstreamTlsConfig("backend.test", List.of(), certPem, List.of(), certPem, keyPem);
    UpstreamCluster c = cluster(b, UpstreamProtocolSelection.HTTP2, mtls);
    assertThat(finish(Exchange.start(c, loop, Exchange.get("/ok"), HttpProtocol.HTTP_1_1)).stream.protocol())
        .isEqualTo(HttpProtocol.HTTP_2);
  }
}
