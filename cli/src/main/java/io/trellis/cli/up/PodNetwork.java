package io.trellis.cli.up;

/**
 * The private network netns pods live on: a bridge on the host with the first address of a /24,
 * pods from {@code .2} to {@code .127}, service virtual IPs from {@code .128} to {@code .254}. The
 * virtual IPs sit inside the pods' own subnet so a pod has a route to them without a default
 * route; their connections never leave the pod, since iptables redirects them to the sidecar.
 *
 * @param bridge the bridge device's name
 * @param prefix the /24's first three octets, e.g. {@code 10.250.0}
 * @param namespacePrefix prefix of the network namespaces' names
 */
record PodNetwork(String bridge, String prefix, String namespacePrefix) {
  static final PodNetwork DEFAULT = new PodNetwork("trellis0", "10.250.0", "trellis-");

  static final int MAX_PODS = 126;
  static final int MAX_SERVICES = 127;

  String gateway() {
    return prefix + ".1";
  }

  String podIp(int index) {
    if (index < 0 || index >= MAX_PODS) {
      throw new IllegalArgumentException("pod index " + index + " (expected: 0.." + (MAX_PODS - 1) + " in netns mode)");
    }
    return prefix + "." + (index + 2);
  }

  String serviceIp(int index) {
    if (index < 0 || index >= MAX_SERVICES) {
      throw new IllegalArgumentException("service index " + index + " (expected: 0.." + (MAX_SERVICES - 1) + " in netns mode)");
    }
    return prefix + "." + (index + 128);
  }

  String namespace(int index) {
    return namespacePrefix + index;
  }

  /** Host side of pod {@code index}'s veth pair (interface names are at most 15 bytes). */
  String hostVeth(int index) {
    return "trv" + index + "h";
  }

  String podVeth(int index) {
    return "trv" + index + "p";
  }
}
