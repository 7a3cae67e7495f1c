package io.trellis.api.analyze;

import io.trellis.api.model.Resource;
import java.util.List;

/** Runs every analyzer over one set of validated resources. */
public final class Analysis {

  /** Every analyzer, in the order their findings are usually read. */
  public static final List<Analyzer> ALL =
      List.of(
          new VirtualServiceDestinationAnalyzer(),
          new VirtualServiceGatewayAnalyzer(),
          new ConflictingVirtualServiceHostsAnalyzer(),
          new VirtualServiceRuleReachabilityAnalyzer(),
          new GatewaySelectorAnalyzer(),
          new ConflictingGatewaysAnalyzer(),
          new WorkloadSelectorAnalyzer(),
          new DestinationRuleSubsetAnalyzer(),
          new DestinationRuleCaCertificatesAnalyzer(),
          new MtlsPolicyConflictAnalyzer(),
          new ServicePortNameAnalyzer(),
          new SidecarSelectorAnalyzer(),
          new NamespaceInjectionAnalyzer(),
          new ServiceEntryAddressesAnalyzer());

  private final List<Analyzer> analyzers;
  private final List<MeshIndex.Workload> implicitWorkloads;

  /**
   * @param implicitWorkloads workloads that exist without being declared; for the local mesh that
   *     is {@link MeshIndex#LOCAL_INGRESS_GATEWAY}
   */
  public Analysis(List<Analyzer> analyzers, List<MeshIndex.Workload> implicitWorkloads) {
    this.analyzers = List.copyOf(analyzers);
    this.implicitWorkloads = List.copyOf(implicitWorkloads);
  }

  /** All analyzers, with the local mesh's ingress gateway as an implicit workload. */
  public static Analysis forLocalMesh() {
    return new Analysis(ALL, List.of(MeshIndex.LOCAL_INGRESS_GATEWAY));
  }

  /** Findings for {@code resources}, which should be the ones that passed validation. */
  public List<Diagnostic> run(List<Resource<?>> resources) {
    MeshIndex mesh = MeshIndex.of(resources, implicitWorkloads);
    Diagnostics out = new Diagnostics();
    for (Analyzer analyzer : analyzers) {
      analyzer.analyze(mesh, out);
    }
    return out.sorted();
  }
}
