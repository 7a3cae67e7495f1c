package io.trellis.api.validate;

import static io.trellis.api.model.FieldPath.field;
import static io.trellis.api.model.FieldPath.index;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trellis.api.model.Resource;
import io.trellis.api.model.security.RequestAuthentication;
import io.trellis.api.model.security.RequestAuthentication.JwtRule;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;

/** Istio's JWT rule requirements: issuer, audiences, key source, token locations, claim headers. */
final class RequestAuthenticationValidator {

  private static final ObjectMapper JSON = new ObjectMapper();

  private RequestAuthenticationValidator() {}

  static void validate(Resource<RequestAuthentication> resource, Findings f) {
    RequestAuthentication ra = resource.spec();
    PolicyScope.check(ra.selector(), ra.targetRef(), ra.targetRefs(), "spec", f);
    for (int i = 0; i < ra.jwtRules().size(); i++) {
      rule(ra.jwtRules().get(i), index("spec.jwtRules", i), f);
    }
  }

  private static void rule(JwtRule rule, String at, Findings f) {
    if (rule.issuer().isEmpty()) {
      f.error(field(at, "issuer"), "issuer must be set");
    }
    nonEmpty(rule.audiences(), field(at, "audiences"), "audience must be non-empty string", f);
    if (!rule.jwksUri().isEmpty()) {
      f.errorIf(field(at, "jwksUri"), checkJwksUri(rule.jwksUri()));
    }
    if (!rule.jwks().isEmpty()) {
      f.errorIf(field(at, "jwks"), checkJwks(rule.jwks()));
    }
    for (int i = 0; i < rule.fromHeaders().size(); i++) {
      if (rule.fromHeaders().get(i).name().isEmpty()) {
        f.error(field(index(field(at, "fromHeaders"), i), "name"), "location header name must be non-empty string");
      }
    }
    nonEmpty(rule.fromParams(), field(at, "fromParams"), "location query must be non-empty string", f);
    nonEmpty(rule.fromCookies(), field(at, "fromCookies"), "cookie name must be non-empty string", f);
    for (int i = 0; i < rule.outputClaimToHeaders().size(); i++) {
      RequestAuthentication.ClaimToHeader c = rule.outputClaimToHeaders().get(i);
      String cat = index(field(at, "outputClaimToHeaders"), i);
      if (c.claim().isEmpty() || c.header().isEmpty()) {
        f.error(cat, "outputClaimToHeaders header and claim value must be non-empty string");
        continue;
      }
      f.errorIf(field(cat, "header"), HttpHeaders.checkName(c.header()));
    }
    if (!rule.outputPayloadToHeader().isEmpty()) {
      f.errorIf(field(at, "outputPayloadToHeader"), HttpHeaders.checkName(rule.outputPayloadToHeader()));
    }
    Durations.check(rule.timeout(), field(at, "timeout"), f);
    nonEmpty(rule.spaceDelimitedClaims(), field(at, "spaceDelimitedClaims"), "space delimited claim must be non-empty string", f);
  }

  private static void nonEmpty(List<String> values, String at, String message, Findings f) {
    for (int i = 0; i < values.size(); i++) {
      if (values.get(i).isEmpty()) {
        f.error(index(at, i), message);
      }
    }
  }

  /** The JWKS URI must be an absolute http(s) URL with a host. */
  static String checkJwksUri(String uri) {
    try {
      URI parsed = new URI(uri);
      String scheme = parsed.getScheme();
      if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
        return "url must have scheme http:// or https://: " + uri;
      }
      if (parsed.getHost() == null) {
        return "url must have a host: " + uri;
      }
      return null;
    } catch (URISyntaxException e) {
      return "url must have scheme http:// or https://; invalid url \"" + uri + "\": " + e.getReason();
    }
  }

  /** Inline JWKS must be a JSON key set: {@code {"keys": [...]}} whose keys each have a {@code kty}. */
  static String checkJwks(String jwks) {
    try {
      JsonNode node = JSON.readTree(jwks);
      JsonNode keys = node == null ? null : node.get("keys");
      if (keys == null || !keys.isArray()) {
        if (node != null && node.has("kty")) {
          return null;
        }
        return "jwks parse error: expected a JSON object with a \"keys\" array";
      }
      for (JsonNode key : keys) {
        if (!key.has("kty")) {
          return "jwks parse error: a key has no \"kty\"";
        }
      }
      return null;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return "jwks parse error: " + e.getOriginalMessage();
    }
  }
}
