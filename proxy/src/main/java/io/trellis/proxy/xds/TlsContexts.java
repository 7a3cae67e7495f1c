package io.trellis.proxy.xds;

import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsParameters.TlsProtocol;
import io.trellis.proxy.config.route.StringMatcher;
import io.trellis.proxy.tls.CertificateValidation;
import io.trellis.proxy.tls.DownstreamTlsConfig;
import io.trellis.proxy.tls.PemMaterial;
import io.trellis.proxy.tls.SecretRef;
import io.trellis.proxy.tls.ServerTlsContext;
import io.trellis.proxy.tls.SubjectAltNameMatcher;
import io.trellis.proxy.tls.TlsCertificate;
import io.trellis.proxy.tls.TlsParameters;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Envoy's TLS transport socket protos into {@code io.trellis.proxy.tls} records: a filter chain's
 * {@code DownstreamTlsContext}, and the certificate and validation messages that SDS secrets share with
 * it. What would weaken or change verification if ignored (SPKI/hash pinning, CRLs, accepting expired or
 * untrusted chains, certificate providers, session ticket keys) is rejected with its path rather than dropped.
 */
public final class TlsContexts {
  public static final String TLS_SOCKET = "envoy.transport_sockets.tls";
  public static final String RAW_BUFFER_SOCKET = "envoy.transport_sockets.raw_buffer";
  public static final String DOWNSTREAM_TLS_CONTEXT_TYPE_URL =
      "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext";

  private TlsContexts() {}

  /** A filter chain's transport socket: {@code null} for raw_buffer (or on error, recorded in {@code errors}). */
  static DownstreamTlsConfig downstream(TransportSocket socket, ValidationErrors errors) {
    if (!socket.hasTypedConfig()) {
      if (!socket.getName().equals(RAW_BUFFER_SOCKET)) {
        errors.add("'" + socket.getName() + "' without typed_config (expected: " + TLS_SOCKET + " with a DownstreamTlsContext, or "
            + RAW_BUFFER_SOCKET + ")");
      }
      return null;
    }
    String typeUrl = socket.getTypedConfig().getTypeUrl();
    if (typeUrl.endsWith("envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer")) {
      return null;
    }
    if (!typeUrl.equals(DOWNSTREAM_TLS_CONTEXT_TYPE_URL)) {
      errors.at("typed_config").add(typeUrl + " is not supported (expected: " + DOWNSTREAM_TLS_CONTEXT_TYPE_URL + ")");
      return null;
    }
    DownstreamTlsContext ctx;
    try {
      ctx = socket.getTypedConfig().unpack(DownstreamTlsContext.class);
    } catch (InvalidProtocolBufferException e) {
      errors.add("cannot decode DownstreamTlsContext: " + e.getMessage());
      return null;
    }
    return downstream(ctx, errors.at("typed_config"));
  }

  static DownstreamTlsConfig downstream(DownstreamTlsContext ctx, ValidationErrors errors) {
    int before = errors.messages().size();
    if (ctx.hasRequireSni() && ctx.getRequireSni().getValue()) {
      errors.at("require_sni").add("true is not supported");
    }
    if (ctx.hasSessionTicketKeys() || ctx.hasSessionTicketKeysSdsSecretConfig()) {
      errors.at("session_ticket_keys").add("not supported (session tickets use keys the TLS engine generates)");
    }
    if (ctx.getDisableStatelessSessionResumption()) {
      errors.at("disable_stateless_session_resumption").add("true is not supported");
    }
    if (ctx.getOcspStaplePolicyValue() != 0) {
      errors.at("ocsp_staple_policy").add(ctx.getOcspStaplePolicy() + " is not supported (expected: LENIENT_STAPLING)");
    }
    ValidationErrors at = errors.at("common_tls_context");
    CommonTlsContext common = ctx.getCommonTlsContext();
    rejectUnsupported(common, at);
    TlsParameters parameters = common.hasTlsParams() ? parameters(common.getTlsParams(), at.at("tls_params")) : TlsParameters.DEFAULTS;
    List<TlsCertificate> certificates = new ArrayList<>();
    for (int i = 0; i < common.getTlsCertificatesCount(); i++) {
      TlsCertificate c = certificate(common.getTlsCertificates(i), at.at("tls_certificates", i));
      if (c != null) {
        certificates.add(c);
      }
    }
    List<SecretRef> certificateSecrets = new ArrayList<>();
    for (int i = 0; i < common.getTlsCertificateSdsSecretConfigsCount(); i++) {
      SecretRef ref = secretRef(common.getTlsCertificateSdsSecretConfigs(i), at.at("tls_certificate_sds_secret_configs", i));
      if (ref != null) {
        certificateSecrets.add(ref);
      }
    }
    CertificateValidation validation = null;
    SecretRef validationSecret = null;
    switch (common.getValidationContextTypeCase()) {
      case VALIDATION_CONTEXT -> validation = validation(common.getValidationContext(), at.at("validation_context"));
      case VALIDATION_CONTEXT_SDS_SECRET_CONFIG ->
          validationSecret = secretRef(common.getValidationContextSdsSecretConfig(), at.at("validation_context_sds_secret_config"));
      case COMBINED_VALIDATION_CONTEXT -> {
        var combined = common.getCombinedValidationContext();
        ValidationErrors cat = at.at("combined_validation_context");
        validation = validation(combined.getDefaultValidationContext(), cat.at("default_validation_context"));
        validationSecret = secretRef(combined.getValidationContextSdsSecretConfig(), cat.at("validation_context_sds_secret_config"));
      }
      case VALIDATIONCONTEXTTYPE_NOT_SET -> {}
      default -> at.add(common.getValidationContextTypeCase().name().toLowerCase()
          + " is not supported (expected: validation_context, validation_context_sds_secret_config or combined_validation_context)");
    }
    if (errors.messages().size() > before) {
      return null;
    }
    boolean requireClient = ctx.hasRequireClientCertificate() && ctx.getRequireClientCertificate().getValue();
    CertificateValidation v = validation;
    SecretRef vs = validationSecret;
    return errors.build(() -> new DownstreamTlsConfig(
        certificates, certificateSecrets, v, vs, common.getAlpnProtocolsList(), parameters, requireClient));
  }

  private static void rejectUnsupported(CommonTlsContext common, ValidationErrors at) {
    if (common.hasTlsCertificateProviderInstance()) {
      at.at("tls_certificate_provider_instance").add("not supported (expected: tls_certificates or tls_certificate_sds_secret_configs)");
    }
    if (common.hasCustomHandshaker()) {
      at.at("custom_handshaker").add("not supported");
    }
    if (common.hasKeyLog()) {
      at.at("key_log").add("not supported");
    }
    if (common.hasCustomTlsCertificateSelector()) {
      at.at("custom_tls_certificate_selector").add("not supported");
    }
  }

  static TlsParameters parameters(io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsParameters p, ValidationErrors errors) {
    int before = errors.messages().size();
    String min = version(p.getTlsMinimumProtocolVersion(), TlsParameters.TLS_1_2, errors.at("tls_minimum_protocol_version"));
    String max = version(p.getTlsMaximumProtocolVersion(), TlsParameters.TLS_1_3, errors.at("tls_maximum_protocol_version"));
    List<String> suites = new ArrayList<>();
    for (String s : p.getCipherSuitesList()) {
      // BoringSSL's equal-preference groups, "[A|B]": this engine has no groups; keep the order given.
      for (String part : s.replace("[", "").replace("]", "").split("\\|")) {
        if (!part.isBlank()) {
          suites.add(part.trim());
        }
      }
    }
    try {
      ServerTlsContext.checkCipherSuites(suites, "cipher_suites");
    } catch (IllegalArgumentException e) {
      errors.add(e.getMessage());
    }
    if (p.getEcdhCurvesCount() > 0) {
      errors.at("ecdh_curves").add("not supported (the TLS engine's default groups are used)");
    }
    if (p.getSignatureAlgorithmsCount() > 0) {
      errors.at("signature_algorithms").add("not supported");
    }
    if (p.getCompliancePoliciesCount() > 0) {
      errors.at("compliance_policies").add("not supported");
    }
    if (errors.messages().size() > before) {
      return null;
    }
    return errors.build(() -> new TlsParameters(min, max, suites));
  }

  private static String version(TlsProtocol v, String auto, ValidationErrors errors) {
    return switch (v) {
      case TLS_AUTO -> auto;
      case TLSv1_2 -> TlsParameters.TLS_1_2;
      case TLSv1_3 -> TlsParameters.TLS_1_3;
      default -> {
        errors.add(v + " is not supported (expected: TLS_AUTO, TLSv1_2 or TLSv1_3)");
        yield auto;
      }
    };
  }

  /** A {@code TlsCertificate}: both PEM blocks must parse and belong together. */
  static TlsCertificate certificate(io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate c, ValidationErrors errors) {
    int before = errors.messages().size();
    if (c.hasPkcs12() || c.hasPrivateKeyProvider() || c.hasWatchedDirectory() || c.hasPassword()) {
      errors.add("pkcs12, private_key_provider, watched_directory and password are not supported"
          + " (expected: certificate_chain and an unencrypted private_key)");
    }
    if (!c.hasCertificateChain()) {
      errors.at("certificate_chain").add("missing");
    }
    if (!c.hasPrivateKey()) {
      errors.at("private_key").add("missing");
    }
    if (errors.messages().size() > before) {
      return null;
    }
    String chain = data(c.getCertificateChain(), errors.at("certificate_chain"));
    String key = data(c.getPrivateKey(), errors.at("private_key"));
    if (chain == null || key == null) {
      return null;
    }
    TlsCertificate certificate = new TlsCertificate(chain, key);
    try {
      PemMaterial.checkKeyPair(certificate, "");
    } catch (IllegalArgumentException e) {
      errors.add(e.getMessage());
      return null;
    }
    return certificate;
  }

  /** A {@code CertificateValidationContext}: the trusted CAs must parse; SAN matchers compile. */
  static CertificateValidation validation(CertificateValidationContext v, ValidationErrors errors) {
    int before = errors.messages().size();
    if (v.getVerifyCertificateSpkiCount() > 0) {
      errors.at("verify_certificate_spki").add("not supported");
    }
    if (v.getVerifyCertificateHashCount() > 0) {
      errors.at("verify_certificate_hash").add("not supported");
    }
    if (v.hasCrl()) {
      errors.at("crl").add("not supported");
    }
    if (v.getAllowExpiredCertificate()) {
      errors.at("allow_expired_certificate").add("true is not supported");
    }
    if (v.getTrustChainVerificationValue() != 0) {
      errors.at("trust_chain_verification").add(v.getTrustChainVerification() + " is not supported (expected: VERIFY_TRUST_CHAIN)");
    }
    if (v.hasCaCertificateProviderInstance() || v.hasCustomValidatorConfig() || v.hasWatchedDirectory() || v.hasSystemRootCerts()) {
      errors.add("ca_certificate_provider_instance, custom_validator_config, watched_directory and system_root_certs are not supported"
          + " (expected: trusted_ca)");
    }
    String ca = null;
    if (v.hasTrustedCa()) {
      ca = data(v.getTrustedCa(), errors.at("trusted_ca"));
      if (ca != null) {
        String pem = ca;
        errors.build(() -> PemMaterial.certificates(pem, "trusted_ca"));
      }
    }
    List<SubjectAltNameMatcher> sans = new ArrayList<>();
    for (int i = 0; i < v.getMatchTypedSubjectAltNamesCount(); i++) {
      var m = v.getMatchTypedSubjectAltNames(i);
      ValidationErrors at = errors.at("match_typed_subject_alt_names", i);
      SubjectAltNameMatcher.Type type = switch (m.getSanType()) {
        case DNS -> SubjectAltNameMatcher.Type.DNS;
        case URI -> SubjectAltNameMatcher.Type.URI;
        case EMAIL -> SubjectAltNameMatcher.Type.EMAIL;
        case IP_ADDRESS -> SubjectAltNameMatcher.Type.IP_ADDRESS;
        default -> {
          at.at("san_type").add(m.getSanType() + " (expected: DNS, URI, EMAIL or IP_ADDRESS)");
          yield null;
        }
      };
      StringMatcher matcher = RouteConfigurationResource.stringMatcher(m.getMatcher(), at.at("matcher"));
      if (type != null && matcher != null) {
        sans.add(new SubjectAltNameMatcher(type, matcher));
      }
    }
    for (int i = 0; i < v.getMatchSubjectAltNamesCount(); i++) {
      StringMatcher matcher = RouteConfigurationResource.stringMatcher(v.getMatchSubjectAltNames(i), errors.at("match_subject_alt_names", i));
      if (matcher != null) {
        sans.add(new SubjectAltNameMatcher(SubjectAltNameMatcher.Type.ANY, matcher));
      }
    }
    if (errors.messages().size() > before) {
      return null;
    }
    return new CertificateValidation(ca, sans);
  }

  /** An {@code SdsSecretConfig}: over ADS, or without a config source a static bootstrap secret. */
  static SecretRef secretRef(SdsSecretConfig s, ValidationErrors errors) {
    if (s.getName().isEmpty()) {
      errors.at("name").add("'' (expected: the secret's name)");
      return null;
    }
    if (!s.hasSdsConfig()) {
      return new SecretRef(s.getName(), false);
    }
    ConfigSource source = s.getSdsConfig();
    if (!source.hasAds()) {
      errors.at("sds_config").add(source.getConfigSourceSpecifierCase().name().toLowerCase()
          + " is not supported (expected: ads: {}, the ADS stream, or no sds_config for a static secret)");
      return null;
    }
    return new SecretRef(s.getName(), true);
  }

  /** Reads a {@code DataSource} as text: inline, or a file read once now. */
  static String data(DataSource source, ValidationErrors errors) {
    return switch (source.getSpecifierCase()) {
      case INLINE_STRING -> source.getInlineString();
      case INLINE_BYTES -> source.getInlineBytes().toString(StandardCharsets.UTF_8);
      case FILENAME -> {
        try {
          yield Files.readString(Path.of(source.getFilename()));
        } catch (IOException e) {
          errors.add("cannot read " + source.getFilename() + ": " + e);
          yield null;
        }
      }
      default -> {
        errors.add(source.getSpecifierCase().name().toLowerCase() + " (expected: filename, inline_bytes or inline_string)");
        yield null;
      }
    };
  }
}
