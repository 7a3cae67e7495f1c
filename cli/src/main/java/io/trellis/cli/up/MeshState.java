package io.trellis.cli.up;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

/**
 * What a running {@code trellis up} has started, in {@code up.json} in its state directory: for
 * {@code trellis logs} and for anyone who wants PIDs and addresses without parsing the table.
 * Rewritten every second (PIDs change when an app restarts) and removed on shutdown.
 *
 * @param pid the {@code trellis up} process
 * @param ingress the ingress URL
 * @param isolation loopback or netns
 * @param gatewayPid the ingress gateway's PID
 * @param gatewayAdminPort its admin port on 127.0.0.1
 * @param pods the running pods
 */
public record MeshState(long pid, String ingress, String isolation, long gatewayPid, int gatewayAdminPort, List<PodStatus> pods) {
  public static final String FILE = "up.json";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  static void write(Path stateDir, MeshState state) throws IOException {
    Path tmp = stateDir.resolve(FILE + ".tmp");
    Files.write(tmp, JSON.writeValueAsBytes(state));
    Files.move(tmp, stateDir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  public static Optional<MeshState> read(Path stateDir) throws IOException {
    Path file = stateDir.resolve(FILE);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    return Optional.of(JSON.readValue(file.toFile(), MeshState.class));
  }

  static void remove(Path stateDir) {
    try {
      Files.deleteIfExists(stateDir.resolve(FILE));
    } catch (IOException e) {
      // the next up overwrites it
    }
  }
}
