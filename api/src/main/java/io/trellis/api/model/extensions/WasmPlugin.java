package io.trellis.api.model.extensions;

import io.trellis.api.model.Frozen;
import io.trellis.api.model.PolicyTargetReference;
import io.trellis.api.model.Spec;
import io.trellis.api.model.Struct;
import io.trellis.api.model.WorkloadSelector;
import java.util.List;

/** The spec of an Istio {@code WasmPlugin} ({@code extensions.istio.io}): a Wasm extension for proxies. */
public record WasmPlugin(
    WorkloadSelector selector,
    PolicyTargetReference targetRef,
    List<PolicyTargetReference> targetRefs,
    String url,
    String sha256,
    PullPolicy imagePullPolicy,
    String imagePullSecret,
    String verificationKey,
    Struct pluginConfig,
    String pluginName,
    PluginPhase phase,
    Integer priority,
    FailStrategy failStrategy,
    VmConfig vmConfig,
    List<TrafficSelector> match,
    PluginType type)
    implements Spec {
  public WasmPlugin {
    targetRefs = Frozen.list(targetRefs);
    match = Frozen.list(match);
  }


  public enum PullPolicy {
    UNSPECIFIED_POLICY,
    IfNotPresent,
    Always
  }

  public enum PluginPhase {
    UNSPECIFIED_PHASE,
    AUTHN,
    AUTHZ,
    STATS
  }

  public enum FailStrategy {
    FAIL_CLOSE,
    FAIL_OPEN,
    FAIL_RELOAD
  }

  public enum PluginType {
    UNSPECIFIED_PLUGIN_TYPE,
    HTTP,
    NETWORK
  }

  public record VmConfig(List<EnvVar> env) {
    public VmConfig {
      env = Frozen.list(env);
    }
  }

  public record EnvVar(String name, EnvValueSource valueFrom, String value) {
    public enum EnvValueSource {
      INLINE,
      HOST
    }
  }

  public record TrafficSelector(WorkloadMode mode, List<PortSelector> ports) {
    public TrafficSelector {
      ports = Frozen.list(ports);
    }

    public enum WorkloadMode {
      UNDEFINED,
      CLIENT,
      SERVER,
      CLIENT_AND_SERVER
    }
  }

  public record PortSelector(int number) {}
}
