package io.trellis.api.analyze;

import io.trellis.api.model.Resource;
import io.trellis.api.model.networking.ClientTlsSettings;
import io.trellis.api.model.networking.DestinationRule;

/**
 * TLS origination (SIMPLE or MUTUAL) without {@code caCertificates} or a {@code credentialName}
 * encrypts but never checks whom it talks to (IST0128), unless the user said so with
 * {@code insecureSkipVerify}.
 */
public final class DestinationRuleCaCertificatesAnalyzer implements Analyzer {

  @Override
  public String name() {
    return "destinationrule.cacertificates";
  }

  @Override
  public void analyze(MeshIndex mesh, Diagnostics out) {
    for (Resource<DestinationRule> dr : mesh.ofType(DestinationRule.class)) {
      if (dr.spec().trafficPolicy() == null) {
        continue;
      }
      ClientTlsSettings tls = dr.spec().trafficPolicy().tls();
      if (tls == null
          || (tls.mode() != ClientTlsSettings.TlsMode.SIMPLE && tls.mode() != ClientTlsSettings.TlsMode.MUTUAL)
          || !tls.caCertificates().isEmpty()
          || !tls.credentialName().isEmpty()
          || Boolean.TRUE.equals(tls.insecureSkipVerify())) {
        continue;
      }
      out.report(MessageType.NO_SERVER_CERTIFICATE_VERIFICATION_DESTINATION_LEVEL, dr, "spec.trafficPolicy.tls",
          "DestinationRule " + dr.name() + " in namespace " + dr.namespace() + " has TLS mode set to " + tls.mode()
              + " but no caCertificates are set to validate server identity for host: " + dr.spec().host());
    }
  }
}
