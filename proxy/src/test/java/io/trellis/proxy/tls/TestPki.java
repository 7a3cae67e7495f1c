package io.trellis.proxy.tls;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A throwaway certificate authority for tests (BouncyCastle): a CA and the leaves it signs, as PEM. */
public final class TestPki {
  private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime());
  private final KeyPair caKey;
  private final X509Certificate ca;
  private final X500Name caName;

  /** A leaf certificate and its key, PEM-encoded (the key unencrypted PKCS#8). */
  public record Issued(String certificatePem, String privateKeyPem) {
    public Path writeCertificate(Path file) throws Exception {
      return Files.writeString(file, certificatePem);
    }

    public Path writeKey(Path file) throws Exception {
      return Files.writeString(file, privateKeyPem);
    }
  }

  public TestPki(String name) {
    try {
      caKey = ecKey();
      caName = new X500Name("CN=" + name);
      X509v3CertificateBuilder b = builder(caName, caName, caKey);
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      ca = sign(b, caKey);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public String caPem() {
    return pem("CERTIFICATE", encoded(ca));
  }

  /**
   * Issues a leaf; {@code sans} are "DNS:name" or "URI:value".
   */
  public Issued issue(String commonName, String... sans) {
    try {
      KeyPair key = ecKey();
      X509v3CertificateBuilder b = builder(caName, new X500Name("CN=" + commonName), key);
      List<GeneralName> names = new ArrayList<>();
      for (String san : sans) {
        if (san.startsWith("DNS:")) {
          names.add(new GeneralName(GeneralName.dNSName, san.substring(4)));
        } else if (san.startsWith("URI:")) {
          names.add(new GeneralName(GeneralName.uniformResourceIdentifier, san.substring(4)));
        } else {
          throw new IllegalArgumentException(san);
        }
      }
      if (!names.isEmpty()) {
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
      }
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      X509Certificate cert = sign(b, caKey);
      return new Issued(pem("CERTIFICATE", encoded(cert)), pem("PRIVATE KEY", key.getPrivate().getEncoded()));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyPair ecKey() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair key) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
        Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(2))), subject, key.getPublic());
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, KeyPair signer) throws Exception {
    return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
  }

  private static byte[] encoded(X509Certificate c) {
    try {
      return c.getEncoded();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String pem(String type, byte[] der) {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }
}
