package io.trellis.api.validate;

import static io.trellis.api.model.FieldPath.field;
import static io.trellis.api.model.FieldPath.index;

import io.trellis.api.model.Resource;
import io.trellis.api.model.networking.Gateway;
import io.trellis.api.model.networking.ServerTlsSettings;
import java.util.HashSet;
import java.util.Set;

/** Istio's Gateway rules: a DNS-label name, servers with hosts, ports, binds and consistent TLS. */
final class GatewayValidator {

  private GatewayValidator() {}

  static void validate(Resource<Gateway> resource, Findings f) {
    Gateway gw = resource.spec();
    if (!Names.isDnsLabel(resource.name())) {
      f.error("metadata.name", "invalid gateway name: \"" + resource.name() + "\"", "a DNS-1123 label (no dots)");
    }
    if (gw.servers().isEmpty()) {
      f.error("spec.servers", "gateway must have at least one server");
    }
    Set<String> portNames = new HashSet<>();
    for (int i = 0; i < gw.servers().size(); i++) {
      Gateway.Server server = gw.servers().get(i);
      String at = index("spec.servers", i);
      server(server, at, f);
      if (server.port() != null) {
        if (!portNames.add(server.port().name())) {
          f.error(field(field(at, "port"), "name"), "port names in servers must be unique: duplicate name " + server.port().name());
        }
        if (!Protocols.isHttp(server.port().protocol()) && server.tls() != null && server.tls().httpsRedirect()) {
          f.warning(field(field(at, "tls"), "httpsRedirect"), "tls.httpsRedirect should only be used with http servers");
        }
      }
    }
    PolicyScope.checkLabels(gw.selector(), "spec.selector", f);
  }

  private static void server(Gateway.Server server, String at, Findings f) {
    if (server.hosts().isEmpty()) {
      f.error(field(at, "hosts"), "server config must contain at least one host");
    }
    for (int i = 0; i < server.hosts().size(); i++) {
      SidecarValidator.namespacedHost(server.hosts().get(i), true, index(field(at, "hosts"), i), f);
    }
    boolean portOk = true;
    Gateway.Port port = server.port();
    String pat = field(at, "port");
    if (port == null) {
      f.error(pat, "port is required");
      portOk = false;
    } else {
      if (!Protocols.isKnown(port.protocol())) {
        f.error(field(pat, "protocol"), "invalid protocol \"" + port.protocol() + "\"", Protocols.EXPECTED);
        portOk = false;
      }
      if ((port.number() > 0 || !server.bind().startsWith(Addresses.UNIX_PREFIX)) && !Names.isPort(port.number())) {
        f.error(field(pat, "number"), "port number " + port.number() + " must be in the range 1..65535", "1..65535");
        portOk = false;
      }
      if (port.targetPort() > 0) {
        f.error(field(pat, "targetPort"), "targetPort has no impact on Gateways");
        portOk = false;
      }
      if (port.name().isEmpty()) {
        f.error(field(pat, "name"), "port name must be set");
        portOk = false;
      }
    }
    if (server.bind().startsWith(Addresses.UNIX_PREFIX)) {
      f.errorIf(field(at, "bind"), Addresses.checkUnixAddress(server.bind().substring(Addresses.UNIX_PREFIX.length())));
      if (port != null && port.number() != 0) {
        f.error(field(pat, "number"), "port number must be 0 for unix domain socket");
      }
    } else if (!server.bind().isEmpty() && !Addresses.isIp(server.bind())) {
      f.error(field(at, "bind"), server.bind() + " is not a valid IP");
    }
    ServerTlsSettings tls = server.tls();
    ServerTlsValidator.validate(tls, field(at, "tls"), f);
    if (portOk) {
      String protocol = port.protocol();
      if (Protocols.isTls(protocol) && tls == null) {
        f.error(field(at, "tls"), "server must have TLS settings for HTTPS/TLS protocols");
      } else if (!Protocols.isTls(protocol) && tls != null) {
        if (Protocols.isHttp(protocol)) {
          boolean passthrough = tls.mode() == ServerTlsSettings.TlsMode.PASSTHROUGH;
          if (!passthrough || !tls.caCertificates().isEmpty() || !tls.privateKey().isEmpty() || !tls.serverCertificate().isEmpty()) {
            f.error(field(at, "tls"), "server cannot have TLS settings for plain text HTTP ports");
          }
        } else {
          f.error(field(at, "tls"), "server cannot have TLS settings for non HTTPS/TLS ports");
        }
      }
    }
  }
}
