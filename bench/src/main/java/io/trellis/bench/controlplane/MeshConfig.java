package io.trellis.bench.controlplane;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The Istio configuration a control-plane run serves: per service a ServiceEntry (one HTTP port,
 * two STATIC endpoints labelled v1 and v2), a DestinationRule with subsets v1 and v2, and a
 * VirtualService sending everything to v1, each in its own file so that one edit touches one
 * resource. Services are spread over namespaces ns-0..ns-(k-1).
 *
 * <p>The two changes the benchmark times, and the marker by which a proxy's received resources show
 * that the change arrived:
 *
 * <ul>
 *   <li>{@link #routeToV2}: the VirtualService now routes to subset v2, so the cluster name
 *       {@code outbound|8080|v2|HOST} appears in that proxy's routes (Istio's cluster naming);
 *   <li>{@link #moveEndpoint}: the v1 endpoint gets a new address, which appears in the endpoints.
 * </ul>
 */
public final class MeshConfig {

  public static final int PORT = 8080;

  private final int services;
  private final int namespaces;

  public MeshConfig(int services, int namespaces) {
    if (services < 1) {
      throw new IllegalArgumentException("services: " + services + " (expected: at least 1)");
    }
    if (namespaces < 1) {
      throw new IllegalArgumentException("namespaces: " + namespaces + " (expected: at least 1)");
    }
    this.services = services;
    this.namespaces = namespaces;
  }

  public int services() {
    return services;
  }

  public String name(int i) {
    return String.format("svc-%05d", i);
  }

  public String namespace(int i) {
    return "ns-" + (i % namespaces);
  }

  public String host(int i) {
    return name(i) + "." + namespace(i) + ".svc.cluster.local";
  }

  /** Istio's name for the cluster of one subset of service {@code i}. */
  public String cluster(int i, String subset) {
    return "outbound|" + PORT + "|" + subset + "|" + host(i);
  }

  static String endpoint(int i, int which) {
    return "10." + (i / 250 % 250) + "." + (i % 250) + "." + which;
  }

  /** Writes every service's three files into {@code dir}. */
  public void write(Path dir) throws IOException {
    Files.createDirectories(dir);
    for (int i = 0; i < services; i++) {
      Files.writeString(serviceEntryFile(dir, i), serviceEntry(i, endpoint(i, 1)));
      Files.writeString(dir.resolve(name(i) + "-destinationrule.yaml"), destinationRule(i));
      Files.writeString(virtualServiceFile(dir, i), virtualService(i, "v1"));
    }
  }

  /**
   * Rewrites service {@code i}'s VirtualService to route to v2, atomically (written beside, then
   * renamed over, as editors save). Returns the marker that shows the change in a proxy's routes.
   */
  public String routeToV2(Path dir, Path scratch, int i) throws IOException {
    replace(virtualServiceFile(dir, i), scratch, virtualService(i, "v2"));
    return cluster(i, "v2");
  }

  /** Moves service {@code i}'s v1 endpoint to {@link #movedAddress}, atomically; returns that address. */
  public String moveEndpoint(Path dir, Path scratch, int i) throws IOException {
    String moved = movedAddress(i);
    replace(serviceEntryFile(dir, i), scratch, serviceEntry(i, moved));
    return moved;
  }

  /** The address {@link #moveEndpoint} gives service {@code i}'s v1 endpoint: used by no other endpoint. */
  public String movedAddress(int i) {
    return "10.254." + (i / 250 % 250) + "." + (i % 250 + 1);
  }

  private static void replace(Path target, Path scratch, String content) throws IOException {
    Files.createDirectories(scratch);
    Path tmp = Files.createTempFile(scratch, "edit-", ".tmp");
    Files.writeString(tmp, content);
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private Path serviceEntryFile(Path dir, int i) {
    return dir.resolve(name(i) + "-serviceentry.yaml");
  }

  private Path virtualServiceFile(Path dir, int i) {
    return dir.resolve(name(i) + "-virtualservice.yaml");
  }

  String serviceEntry(int i, String v1Address) {
    return """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata:
          name: %s
          namespace: %s
        spec:
          hosts:
          - %s
          location: MESH_INTERNAL
          resolution: STATIC
          ports:
          - number: %d
            name: http
            protocol: HTTP
          endpoints:
          - address: %s
            labels:
              app: %s
              version: v1
          - address: %s
            labels:
              app: %s
              version: v2
        """
        .formatted(name(i), namespace(i), host(i), PORT, v1Address, name(i), endpoint(i, 2), name(i));
  }

  String destinationRule(int i) {
    return """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata:
          name: %s
          namespace: %s
        spec:
          host: %s
          subsets:
          - name: v1
            labels:
              version: v1
          - name: v2
            labels:
              version: v2
        """
        .formatted(name(i), namespace(i), host(i));
  }

  String virtualService(int i, String subset) {
    return """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata:
          name: %s
          namespace: %s
        spec:
          hosts:
          - %s
          http:
          - route:
            - destination:
                host: %s
                port:
                  number: %d
                subset: %s
        """
        .formatted(name(i), namespace(i), host(i), host(i), PORT, subset);
  }
}
