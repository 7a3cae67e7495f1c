package io.trellis.bench.peer;

import io.trellis.bench.process.CommandRun;
import io.trellis.bench.process.Placement;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The certificates of one mTLS benchmark run, made fresh in the run's work directory with the real
 * {@code openssl} (as an operator would): an EC P-256 CA, a server certificate for the proxy that
 * terminates mutual TLS, valid for the names it is addressed by, and a client certificate for the
 * proxy that originates it, named by a SPIFFE URI as Istio names workloads. Private keys are made
 * 0600 before openssl writes them, so they are never readable by others, not even for a moment.
 * The certificates last two days: long enough for any run, useless after it.
 *
 * @param caCertificate PEM of the CA both proxies trust
 * @param serverCertificate PEM of the server certificate (serverAuth, SAN {@link #SERVER_NAME} and 127.0.0.1)
 * @param serverKey its PKCS#8 key
 * @param clientCertificate PEM of the client certificate (clientAuth, SAN {@link #CLIENT_URI})
 * @param clientKey its PKCS#8 key
 */
public record MeshPki(Path caCertificate, Path serverCertificate, Path serverKey, Path clientCertificate, Path clientKey) {

  /** The DNS name the server-side proxy is addressed by (SNI) and verified against. */
  public static final String SERVER_NAME = "proxy-b.trellis.bench";

  /** The identity the client-side proxy presents, as Istio's SPIFFE workload names look. */
  public static final String CLIENT_URI = "spiffe://trellis.bench/ns/bench/sa/proxy-a";

  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
  private static final Duration OPENSSL_DEADLINE = Duration.ofSeconds(30);

  /** Makes the CA and both certificates in {@code dir} (created if missing). */
  public static MeshPki create(Path dir) throws IOException, TargetUnavailableException {
    Files.createDirectories(dir);
    Path caKey = key(dir.resolve("ca-key.pem"));
    Path ca = dir.resolve("ca.pem");
    openssl(
        "req", "-x509", "-new", "-key", caKey.toString(), "-sha256", "-days", "2",
        "-subj", "/CN=Trellis bench CA",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        "-out", ca.toString());
    Path serverKey = key(dir.resolve("proxy-b-key.pem"));
    Path server = leaf(dir.resolve("proxy-b.pem"), serverKey, ca, caKey, SERVER_NAME,
        "DNS:" + SERVER_NAME + ",IP:127.0.0.1", "serverAuth");
    Path clientKey = key(dir.resolve("proxy-a-key.pem"));
    Path client = leaf(dir.resolve("proxy-a.pem"), clientKey, ca, caKey, "proxy-a", "URI:" + CLIENT_URI, "clientAuth");
    return new MeshPki(ca, server, serverKey, client, clientKey);
  }

  private static Path key(Path file) throws IOException, TargetUnavailableException {
    Files.deleteIfExists(file);
    Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", file.toString());
    // openssl rewrites the existing file in place; set the mode again in case a version recreates it
    Files.setPosixFilePermissions(file, OWNER_ONLY);
    return file;
  }

  private static Path leaf(Path out, Path key, Path ca, Path caKey, String cn, String san, String usage)
      throws IOException, TargetUnavailableException {
    openssl(
        "req", "-new", "-key", key.toString(), "-CA", ca.toString(), "-CAkey", caKey.toString(),
        "-sha256", "-days", "2", "-subj", "/CN=" + cn,
        "-addext", "subjectAltName=" + san,
        "-addext", "basicConstraints=critical,CA:FALSE",
        "-addext", "keyUsage=critical,digitalSignature",
        "-addext", "extendedKeyUsage=" + usage,
        "-out", out.toString());
    return out;
  }

  private static void openssl(String... args) throws IOException, TargetUnavailableException {
    List<String> cmd = new ArrayList<>(List.of("openssl"));
    cmd.addAll(List.of(args));
    CommandRun.Result r;
    try {
      r = CommandRun.run(cmd, Placement.NONE, OPENSSL_DEADLINE);
    } catch (IOException e) {
      throw new TargetUnavailableException("cannot run openssl (install the openssl package): " + e.getMessage());
    }
    if (!r.ok()) {
      throw new TargetUnavailableException(
          "openssl " + args[0] + " failed (exit " + r.exitCode() + "; openssl 3.0 or later is needed): " + r.tail(3));
    }
  }
}
