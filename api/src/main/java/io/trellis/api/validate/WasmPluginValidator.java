package io.trellis.api.validate;

import static io.trellis.api.model.FieldPath.field;
import static io.trellis.api.model.FieldPath.index;

import com.google.re2j.Pattern;
import io.trellis.api.model.Resource;
import io.trellis.api.model.extensions.WasmPlugin;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashSet;
import java.util.Set;

/** Istio's WasmPlugin rules: the module URL and checksum, names, VM environment, traffic match. */
final class WasmPluginValidator {

  private static final Pattern SHA256 = Pattern.compile("^[a-f0-9]{64}$");
  private static final Set<String> SCHEMES = Set.of("", "file", "http", "https", "oci");

  private WasmPluginValidator() {}

  static void validate(Resource<WasmPlugin> resource, Findings f) {
    WasmPlugin w = resource.spec();
    PolicyScope.check(w.selector(), w.targetRef(), w.targetRefs(), "spec", f);
    if (w.url().isEmpty()) {
      f.error("spec.url", "url field needs to be set", "a URL with scheme file, http, https or oci");
    } else {
      f.errorIf("spec.url", checkUrl(w.url()));
    }
    if (!w.sha256().isEmpty() && !SHA256.matches(w.sha256())) {
      f.error("spec.sha256", "sha256 field must match [a-f0-9]{64} pattern", "64 lowercase hex digits");
    }
    if (f.isSet("spec.imagePullSecret") && (w.imagePullSecret().isEmpty() || w.imagePullSecret().length() > 253)) {
      f.error("spec.imagePullSecret", "imagePullSecret must be 1 to 253 characters long");
    }
    if (f.isSet("spec.pluginName") && (w.pluginName().isEmpty() || w.pluginName().length() > 256)) {
      f.error("spec.pluginName", "pluginName must be 1 to 256 characters long");
    }
    if (w.vmConfig() != null) {
      Set<String> names = new HashSet<>();
      for (int i = 0; i < w.vmConfig().env().size(); i++) {
        WasmPlugin.EnvVar env = w.vmConfig().env().get(i);
        String at = index("spec.vmConfig.env", i);
        if (env.name().isEmpty() || env.name().length() > 256) {
          f.error(field(at, "name"), "env name must be 1 to 256 characters long");
        } else if (!names.add(env.name())) {
          f.error(field(at, "name"), "duplicate env name \"" + env.name() + "\" (Duplicate value)");
        }
        if (env.valueFrom() == WasmPlugin.EnvVar.EnvValueSource.HOST && !env.value().isEmpty()) {
          f.error(field(at, "value"), "value may only be set when valueFrom is INLINE");
        }
      }
    }
    for (int i = 0; i < w.match().size(); i++) {
      WasmPlugin.TrafficSelector m = w.match().get(i);
      for (int j = 0; j < m.ports().size(); j++) {
        int port = m.ports().get(j).number();
        String at = field(index(field(index("spec.match", i), "ports"), j), "number");
        if (!Names.isPort(port)) {
          f.error(at, port == 0 ? "port number is required" : "port must be between 1-65535", "1..65535");
        }
      }
    }
  }

  /** A URL with no scheme (an OCI reference) or one of file, http, https, oci. */
  private static String checkUrl(String url) {
    try {
      URI parsed = new URI(url);
      String scheme = parsed.getScheme() == null ? "" : parsed.getScheme();
      if (!SCHEMES.contains(scheme)) {
        return "url must have schema one of [http, https, file, oci]; unsupported scheme: " + scheme;
      }
      return null;
    } catch (URISyntaxException e) {
      try {
        new URI("http://" + url);
        return null;
      } catch (URISyntaxException again) {
        return "url must have schema one of [http, https, file, oci]; failed to parse url: " + e.getReason();
      }
    }
  }
}
