package io.trellis.api.validate;

import static io.trellis.api.model.FieldPath.field;
import static io.trellis.api.model.FieldPath.index;

import io.trellis.api.model.Resource;
import io.trellis.api.model.networking.ServiceEntry;
import io.trellis.api.model.networking.ServiceEntry.Resolution;
import io.trellis.api.model.networking.WorkloadEntry;
import java.util.HashSet;
import java.util.Set;

/** Istio's ServiceEntry rules: hosts, addresses, ports, resolution and its endpoints, exportTo. */
final class ServiceEntryValidator {

  private ServiceEntryValidator() {}

  static void validate(Resource<ServiceEntry> resource, Findings f) {
    ServiceEntry se = resource.spec();
    if (se.workloadSelector() != null) {
      PolicyScope.checkLabels(se.workloadSelector().labels(), "spec.workloadSelector.labels", f);
      if (se.workloadSelector().labels().isEmpty()) {
        f.warning("spec.workloadSelector", "service entry: workload selector specified without labels, will be applied to all services in namespace");
      }
    }
    if (se.workloadSelector() != null && f.isSet("spec.endpoints")) {
      f.error("spec", "only one of WorkloadSelector or Endpoints can be set");
    }
    if (se.hosts().isEmpty()) {
      f.error("spec.hosts", "service entry must have at least one host", "one or more hosts");
    }
    for (int i = 0; i < se.hosts().size(); i++) {
      String host = se.hosts().get(i);
      String at = index("spec.hosts", i);
      if (host.equals("*")) {
        f.error(at, "hostname cannot be wildcard \"*\"");
      } else {
        f.errorIf(at, Names.checkWildcardDomain(host));
        String partial = Names.checkPartialWildcard(host);
        if (partial != null) {
          f.warning(at, partial);
        }
      }
    }
    boolean cidr = false;
    for (int i = 0; i < se.addresses().size(); i++) {
      String address = se.addresses().get(i);
      cidr |= address.contains("/");
      f.errorIf(index("spec.addresses", i), Addresses.checkIpOrCidr(address));
    }
    if (cidr && se.resolution() != Resolution.NONE && se.resolution() != Resolution.STATIC) {
      f.error("spec.resolution", "CIDR addresses are allowed only for NONE/STATIC resolution types", "NONE or STATIC");
    }
    Set<String> names = new HashSet<>();
    Set<Integer> numbers = new HashSet<>();
    for (int i = 0; i < se.ports().size(); i++) {
      ServiceEntry.ServicePort port = se.ports().get(i);
      String at = index("spec.ports", i);
      if (!names.add(port.name())) {
        f.error(field(at, "name"), "service entry port name \"" + port.name() + "\" already defined");
      }
      if (!numbers.add(port.number())) {
        f.error(field(at, "number"), "service entry port " + port.number() + " already defined; port number cannot be duplicated");
      }
      if (port.targetPort() != 0) {
        if (!Names.isPort(port.targetPort())) {
          f.error(field(at, "targetPort"), "port number " + port.targetPort() + " must be in the range 1..65535", "1..65535");
        }
        if (se.resolution() == Resolution.NONE) {
          f.warning(field(at, "targetPort"), "targetPort has no effect when resolution mode is NONE");
        }
      }
      f.errorIf(field(at, "name"), Names.checkPortName(port.name()));
      String protocolError = Protocols.check(port.protocol());
      if (protocolError != null) {
        f.error(field(at, "protocol"), protocolError, Protocols.EXPECTED);
      }
      if (!Names.isPort(port.number())) {
        f.error(field(at, "number"), "port number " + port.number() + " must be in the range 1..65535", "1..65535");
      }
    }
    switch (se.resolution()) {
      case NONE -> {
        if (!se.endpoints().isEmpty()) {
          f.error("spec.endpoints", "no endpoints should be provided for resolution type NONE; NONE mode cannot set endpoints");
        }
        if (se.workloadSelector() != null) {
          f.warning("spec.workloadSelector", "workloadSelector should not be set when resolution mode is NONE");
        }
      }
      case STATIC -> {
        for (int i = 0; i < se.endpoints().size(); i++) {
          WorkloadEntryValidator.entry(se.endpoints().get(i), names, false, index("spec.endpoints", i), f);
        }
      }
      case DNS, DNS_ROUND_ROBIN -> {
        if (se.endpoints().isEmpty()) {
          for (int i = 0; i < se.hosts().size(); i++) {
            if (Names.checkFqdn(se.hosts().get(i)) != null && !se.hosts().get(i).equals("*")) {
              f.error(index("spec.hosts", i), "hosts must be FQDN if no endpoints are provided for resolution mode " + se.resolution());
            }
          }
        }
        if (se.resolution() == Resolution.DNS_ROUND_ROBIN && se.endpoints().size() > 1) {
          f.error("spec.endpoints", "there must only be 0 or 1 endpoint for resolution mode DNS_ROUND_ROBIN;"
              + " DNS_ROUND_ROBIN mode cannot have multiple endpoints");
        }
        for (int i = 0; i < se.endpoints().size(); i++) {
          WorkloadEntry ep = se.endpoints().get(i);
          String at = index("spec.endpoints", i);
          if (!Addresses.isIp(ep.address()) && Names.checkFqdn(ep.address()) != null) {
            f.error(field(at, "address"), "endpoint address \"" + ep.address() + "\" is not a valid FQDN or an IP address");
          }
          Names.checkLabels(ep.labels(), field(at, "labels"), f);
          ep.ports().forEach((name, number) -> {
            String pat = field(at, "ports") + "[" + name + "]";
            if (!names.contains(name)) {
              f.error(pat, "endpoint port " + number + " is not defined by the service entry");
            }
            f.errorIf(pat, Names.checkPortName(name));
            if (!Names.isPort(number)) {
              f.error(pat, "port number " + number + " must be in the range 1..65535", "1..65535");
            }
          });
        }
        if (se.workloadSelector() != null) {
          f.warning("spec.workloadSelector", "workloadSelector should not be set when resolution mode is " + se.resolution());
        }
        if (!se.addresses().isEmpty() && se.hosts().size() > 1
            && se.ports().stream().anyMatch(p -> Protocols.isTcp(p.protocol()) || p.protocol().isEmpty())) {
          f.warning("spec.hosts", "service entry can not have more than one host specified simultaneously with address and tcp port");
        }
      }
    }
    if (se.resolution() != Resolution.NONE && se.hosts().size() > 1) {
      for (int i = 0; i < se.ports().size(); i++) {
        String protocol = se.ports().get(i).protocol();
        if (!Protocols.isHttp(protocol) && !Protocols.isTls(protocol)) {
          f.error(index("spec.ports", i), "multiple hosts provided with non-HTTP, non-TLS ports");
          break;
        }
      }
    }
    ExportTo.check(se.exportTo(), resource.namespace(), true, false, "spec.exportTo", f);
  }
}
