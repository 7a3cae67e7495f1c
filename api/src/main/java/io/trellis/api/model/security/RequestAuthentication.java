package io.trellis.api.model.security;

import io.trellis.api.model.Frozen;
import io.trellis.api.model.PolicyTargetReference;
import io.trellis.api.model.Spec;
import io.trellis.api.model.WorkloadSelector;
import java.time.Duration;
import java.util.List;

/** The spec of an Istio {@code RequestAuthentication}: which JWTs workloads accept. */
public record RequestAuthentication(
    WorkloadSelector selector,
    PolicyTargetReference targetRef,
    List<PolicyTargetReference> targetRefs,
    List<JwtRule> jwtRules)
    implements Spec {
  public RequestAuthentication {
    targetRefs = Frozen.list(targetRefs);
    jwtRules = Frozen.list(jwtRules);
  }


  /** One accepted issuer, where its keys are and where the token is read from. */
  public record JwtRule(
      String issuer,
      List<String> audiences,
      String jwksUri,
      String jwks,
      List<JwtHeader> fromHeaders,
      List<String> fromParams,
      String outputPayloadToHeader,
      List<String> fromCookies,
      boolean forwardOriginalToken,
      List<ClaimToHeader> outputClaimToHeaders,
      Duration timeout,
      List<String> spaceDelimitedClaims,
      Presence presence) {
    public JwtRule {
      audiences = Frozen.list(audiences);
      fromHeaders = Frozen.list(fromHeaders);
      fromParams = Frozen.list(fromParams);
      fromCookies = Frozen.list(fromCookies);
      outputClaimToHeaders = Frozen.list(outputClaimToHeaders);
      spaceDelimitedClaims = Frozen.list(spaceDelimitedClaims);
    }


    public enum Presence {
      PRESENCE_UNSPECIFIED,
      OPTIONAL,
      REQUIRED
    }
  }

  /** A header carrying the token, with an optional prefix such as {@code Bearer }. */
  public record JwtHeader(String name, String prefix) {}

  /** Copies a claim into a request header. */
  public record ClaimToHeader(String header, String claim) {}
}
