package io.trellis.bench.micro;

import io.trellis.api.load.ConfigLoader;
import io.trellis.api.validate.ConfigValidator;
import io.trellis.api.validate.ValidationReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Loading and validating a large configuration from disk: {@code resources} generated resources
 * (VirtualServices, DestinationRules, ServiceEntries, Gateways, AuthorizationPolicies, Services
 * and Deployments in equal parts, 20 per file) read, bound and validated as {@code trellis
 * validate} does. The target is under 2 s for 10,000 resources.
 *
 * <p>{@code warm} is the steady state of a long-running control plane that reloads; {@code cold}
 * is one run in a fresh JVM, what a person running {@code trellis validate} waits for.
 *
 * <p>Run: {@code java -cp BENCH_CLASSPATH io.trellis.bench.micro.ConfigLoadBenchmark}.
 */
@State(Scope.Benchmark)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ConfigLoadBenchmark {

  static final int PER_FILE = 20;

  @Param("10000")
  int resources;

  Path dir;

  @Setup(Level.Trial)
  public void generate() throws IOException {
    dir = Files.createTempDirectory("trellis-config-load");
    StringBuilder file = new StringBuilder();
    int fileIndex = 0;
    for (int i = 0; i < resources; i++) {
      if (file.length() > 0) {
        file.append("---\n");
      }
      file.append(resource(i));
      if ((i + 1) % PER_FILE == 0 || i == resources - 1) {
        Files.writeString(dir.resolve(String.format("config-%05d.yaml", fileIndex++)), file);
        file.setLength(0);
      }
    }
    ValidationReport check = loadAndValidate();
    if (check.resourceCount() != resources || check.hasErrors()) {
      throw new IllegalStateException(
          "generated config is not what the benchmark claims: " + check.resourceCount() + " resources, "
              + check.errorCount() + " errors, first: " + check.problems().stream().findFirst().orElse(null));
    }
  }

  @TearDown(Level.Trial)
  public void delete() throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.delete(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }

  private ValidationReport loadAndValidate() throws IOException {
    return new ConfigValidator().validate(new ConfigLoader().load(List.of(dir)));
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @Warmup(iterations = 3, time = 2)
  @Measurement(iterations = 5, time = 2)
  @Fork(1)
  public ValidationReport warm() throws IOException {
    return loadAndValidate();
  }

  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @Warmup(iterations = 0)
  @Measurement(iterations = 1)
  @Fork(5)
  public ValidationReport cold() throws IOException {
    return loadAndValidate();
  }

  /** One resource of configuration for service {@code i}, cycling through the kinds. */
  static String resource(int i) {
    String svc = "svc-" + (i / 7);
    String ns = "ns-" + (i % 10);
    return switch (i % 7) {
      case 0 -> """
          apiVersion: networking.istio.io/v1
          kind: VirtualService
          metadata: {name: %1$s, namespace: %2$s}
          spec:
            hosts: [%1$s]
            http:
            - match:
              - headers: {end-user: {exact: jason}}
                uri: {prefix: /api}
              route:
              - destination: {host: %1$s, subset: v2}
            - route:
              - destination: {host: %1$s, subset: v1}
                weight: 90
              - destination: {host: %1$s, subset: v2}
                weight: 10
              timeout: 2s
              retries: {attempts: 3, perTryTimeout: 500ms, retryOn: 5xx}
          """.formatted(svc, ns);
      case 1 -> """
          apiVersion: networking.istio.io/v1
          kind: DestinationRule
          metadata: {name: %1$s, namespace: %2$s}
          spec:
            host: %1$s
            trafficPolicy:
              connectionPool: {tcp: {maxConnections: 100, connectTimeout: 30ms}, http: {http2MaxRequests: 1000}}
              outlierDetection: {consecutive5xxErrors: 5, interval: 10s, baseEjectionTime: 30s}
            subsets:
            - {name: v1, labels: {version: v1}}
            - {name: v2, labels: {version: v2}}
          """.formatted(svc, ns);
      case 2 -> """
          apiVersion: networking.istio.io/v1
          kind: ServiceEntry
          metadata: {name: %1$s-ext, namespace: %2$s}
          spec:
            hosts: [%1$s.example.com]
            ports: [{number: 443, name: https, protocol: TLS}]
            resolution: DNS
            location: MESH_EXTERNAL
          """.formatted(svc, ns);
      case 3 -> """
          apiVersion: networking.istio.io/v1
          kind: Gateway
          metadata: {name: %1$s-gw, namespace: %2$s}
          spec:
            selector: {istio: ingressgateway}
            servers:
            - port: {number: 80, name: http, protocol: HTTP}
              hosts: ["%1$s.example.com"]
          """.formatted(svc, ns);
      case 4 -> """
          apiVersion: security.istio.io/v1
          kind: AuthorizationPolicy
          metadata: {name: %1$s, namespace: %2$s}
          spec:
            selector: {matchLabels: {app: %1$s}}
            rules:
            - from: [{source: {principals: ["cluster.local/ns/%2$s/sa/client"]}}]
              to: [{operation: {methods: [GET], paths: ["/api/*"]}}]
          """.formatted(svc, ns);
      case 5 -> """
          apiVersion: v1
          kind: Service
          metadata: {name: %1$s, namespace: %2$s, labels: {app: %1$s}}
          spec:
            selector: {app: %1$s}
            ports: [{name: http, port: 9080, targetPort: 9080}]
          """.formatted(svc, ns);
      default -> """
          apiVersion: apps/v1
          kind: Deployment
          metadata: {name: %1$s, namespace: %2$s}
          spec:
            replicas: 1
            selector: {matchLabels: {app: %1$s}}
            template:
              metadata: {labels: {app: %1$s, version: v1}}
              spec:
                containers:
                - name: app
                  image: example/%1$s:1
                  command: [java, -jar, app.jar]
                  ports: [{containerPort: 9080}]
          """.formatted(svc, ns);
    };
  }

  public static void main(String[] args) throws RunnerException {
    new Runner(new OptionsBuilder().include(ConfigLoadBenchmark.class.getSimpleName()).build()).run();
  }
}
