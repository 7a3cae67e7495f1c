package io.trellis.api.validate;

import static io.trellis.api.model.FieldPath.field;

import io.trellis.api.model.Resource;
import io.trellis.api.model.networking.WorkloadEntry;
import java.util.Set;

/** Istio's WorkloadEntry rules (also applied to a STATIC ServiceEntry's endpoints). */
final class WorkloadEntryValidator {

  private WorkloadEntryValidator() {}

  static void validate(Resource<WorkloadEntry> resource, Findings f) {
    entry(resource.spec(), null, true, "spec", f);
  }

  /**
   * @param servicePorts the port names of the enclosing ServiceEntry, or {@code null} for a
   *     standalone WorkloadEntry
   */
  static void entry(WorkloadEntry we, Set<String> servicePorts, boolean allowFqdn, String at, Findings f) {
    String address = we.address();
    if (address.isEmpty()) {
      if (we.network().isEmpty()) {
        f.error(field(at, "address"), "address is required");
        return;
      }
      f.warning(field(at, "address"), "address is unset with network \"" + we.network() + "\"");
    }
    boolean unix = address.startsWith(Addresses.UNIX_PREFIX);
    if (unix) {
      f.errorIf(field(at, "address"), Addresses.checkUnixAddress(address.substring(Addresses.UNIX_PREFIX.length())));
      if (!we.ports().isEmpty()) {
        f.error(field(at, "ports"), "unix endpoint " + address + " must not include ports; UDS may not include ports");
      }
    } else if (!address.isEmpty() && !Addresses.isIp(address)) {
      if (!allowFqdn) {
        f.error(field(at, "address"), "endpoint address \"" + address + "\" is not a valid IP address");
      } else if (Names.checkFqdn(address) != null) {
        f.error(field(at, "address"), "endpoint address \"" + address + "\" is not a valid FQDN or an IP address");
      }
    }
    we.ports().forEach((name, port) -> {
      String pat = field(at, "ports") + "[" + name + "]";
      if (servicePorts != null && !servicePorts.contains(name)) {
        f.error(pat, "endpoint port " + port + " is not defined by the service entry");
      }
      f.errorIf(pat, Names.checkPortName(name));
      if (!Names.isPort(port)) {
        f.error(pat, "port number " + port + " must be in the range 1..65535", "1..65535");
      }
    });
    Names.checkLabels(we.labels(), field(at, "labels"), f);
    if (unix && servicePorts != null && servicePorts.size() != 1) {
      f.error(at, "exactly 1 service port required for unix endpoints");
    }
  }
}
