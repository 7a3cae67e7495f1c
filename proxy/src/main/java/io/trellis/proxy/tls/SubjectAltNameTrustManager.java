package io.trellis.proxy.tls;

import io.trellis.proxy.router.StringMatchers;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Verifies a client's chain against the trusted CAs, then requires that its leaf carries a subject
 * alternative name one of the matchers accepts. Doing it inside the handshake (rather than after it)
 * makes a mismatch a handshake failure with a {@code bad_certificate} alert, as in Envoy.
 */
final class SubjectAltNameTrustManager extends X509ExtendedTrustManager {
  private final X509ExtendedTrustManager delegate;
  private final List<SubjectAltNameMatcher> matchers;
  private final List<StringMatchers> compiled;

  SubjectAltNameTrustManager(X509ExtendedTrustManager delegate, List<SubjectAltNameMatcher> matchers) {
    this.delegate = delegate;
    this.matchers = List.copyOf(matchers);
    this.compiled = matchers.stream().map(m -> StringMatchers.compile(List.of(m.matcher()))).toList();
  }

  /** Whether the certificate carries a SAN some matcher accepts. */
  boolean matches(X509Certificate leaf) throws CertificateParsingException {
    Collection<List<?>> sans = leaf.getSubjectAlternativeNames();
    if (sans == null) {
      return false;
    }
    for (List<?> san : sans) {
      int tag = (Integer) san.get(0);
      if (!(san.get(1) instanceof String value)) {
        continue;
      }
      for (int i = 0; i < matchers.size(); i++) {
        SubjectAltNameMatcher.Type type = matchers.get(i).type();
        boolean typeFits = type == SubjectAltNameMatcher.Type.ANY
            ? tag == 1 || tag == 2 || tag == 6 || tag == 7
            : type.tag == tag;
        if (typeFits && compiled.get(i).anyMatches(value)) {
          return true;
        }
      }
    }
    return false;
  }

  private void checkNames(X509Certificate[] chain) throws CertificateException {
    if (matchers.isEmpty()) {
      return;
    }
    if (chain == null || chain.length == 0 || !matches(chain[0])) {
      throw new CertificateException("peer certificate " + (chain == null || chain.length == 0 ? "missing" : chain[0].getSubjectX500Principal())
          + ": no subject alt name matches the validation context");
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    delegate.checkClientTrusted(chain, authType, socket);
    checkNames(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    delegate.checkClientTrusted(chain, authType, engine);
    checkNames(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    delegate.checkClientTrusted(chain, authType);
    checkNames(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    delegate.checkServerTrusted(chain, authType, socket);
    checkNames(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    delegate.checkServerTrusted(chain, authType, engine);
    checkNames(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    delegate.checkServerTrusted(chain, authType);
    checkNames(chain);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return delegate.getAcceptedIssuers();
  }
}
