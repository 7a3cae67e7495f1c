package io.trellis.bench.micro;

import io.trellis.api.load.ConfigLoader;
import io.trellis.api.load.LoadResult;
import io.trellis.api.model.Resource;
import io.trellis.api.model.ResourceKey;
import io.trellis.bench.controlplane.MeshConfig;
import io.trellis.bench.controlplane.SidecarIdentity;
import io.trellis.control.config.ConfigSnapshot;
import io.trellis.control.model.PushContext;
import io.trellis.control.xds.ProxyNode;
import io.trellis.control.xds.XdsResources;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Config translation for one proxy over the mesh {@code bench control-plane} serves (N services,
 * each a ServiceEntry, DestinationRule and VirtualService, loaded by the api module's loader):
 *
 * <ul>
 *   <li>{@link #pushContext}: building the control plane's push context from the snapshot, the
 *       per-push work;
 *   <li>{@link #pushContextAndFirstSidecar}: that plus xDS for one sidecar — the first proxy of a
 *       push pays for translation (subtract {@link #pushContext} to get it);
 *   <li>{@link #anotherSidecarSameContext}: xDS for a sidecar from a context that already served
 *       one like it, which the push context may answer from what it computed before.
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TranslationBenchmark {

  @Param({"100", "1000"})
  public int services;

  private ConfigSnapshot snapshot;
  private PushContext context;
  private ProxyNode sidecar;

  @Setup
  public void build() {
    Path dir;
    try {
      dir = Files.createTempDirectory("trellis-jmh-mesh-");
      try {
        new MeshConfig(services, 10).write(dir);
        LoadResult loaded = new ConfigLoader().load(List.of(dir));
        if (!loaded.problems().isEmpty()) {
          throw new IllegalStateException("generated mesh does not load: " + loaded.problems().getFirst());
        }
        Map<ResourceKey, Resource<?>> resources = new TreeMap<>();
        for (Resource<?> r : loaded.resources()) {
          resources.put(r.key(), r);
        }
        snapshot = new ConfigSnapshot(1, resources, List.of());
      } finally {
        try (Stream<Path> walk = Files.walk(dir)) {
          walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    context = PushContext.build(snapshot);
    sidecar = ProxyNode.fromNode(SidecarIdentity.of(0, 10).node());
    context.generate(sidecar);
  }

  @Benchmark
  public XdsResources pushContextAndFirstSidecar() {
    return PushContext.build(snapshot).generate(sidecar);
  }

  @Benchmark
  public XdsResources anotherSidecarSameContext() {
    return context.generate(sidecar);
  }

  @Benchmark
  public PushContext pushContext() {
    return PushContext.build(snapshot);
  }
}
