package io.trellis.api.model.kube;

import io.trellis.api.model.Frozen;
import io.trellis.api.model.Lenient;
import java.util.List;

/** A container of a pod: what {@code trellis up} starts as a local process. */
@Lenient
public record Container(
    String name,
    String image,
    List<String> command,
    List<String> args,
    List<EnvVar> env,
    List<ContainerPort> ports,
    String workingDir) {
  public Container {
    command = Frozen.list(command);
    args = Frozen.list(args);
    env = Frozen.list(env);
    ports = Frozen.list(ports);
  }


  /** An environment variable; only literal values are read ({@code valueFrom} is ignored). */
  @Lenient
  public record EnvVar(String name, String value) {}

  @Lenient
  public record ContainerPort(String name, int containerPort, Protocol protocol) {}
}
