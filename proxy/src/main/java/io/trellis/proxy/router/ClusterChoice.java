package io.trellis.proxy.router;

import io.trellis.proxy.config.route.HeaderMutations;

/** The cluster a forwarding route chose for one request, with the weighted cluster's own header mutations. */
public record ClusterChoice(String cluster, HeaderMutations headers) {}
