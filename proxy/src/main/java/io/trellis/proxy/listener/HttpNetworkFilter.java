package io.trellis.proxy.listener;

import io.netty.channel.Channel;
import io.trellis.proxy.http.ConnectionInfo;
import io.trellis.proxy.http.HttpCodecInstaller;
import io.trellis.proxy.http.HttpConnectionManager;
import io.trellis.proxy.network.Drainable;
import io.trellis.proxy.network.NetworkFilter;

/** The {@code http_connection_manager} network filter: installs the HTTP codec chosen by codec type. */
record HttpNetworkFilter(HttpConnectionManager hcm) implements NetworkFilter {
  @Override
  public Drainable install(Channel ch, ConnectionInfo info, String applicationProtocol) {
    return HttpCodecInstaller.install(ch, hcm, info, applicationProtocol);
  }
}
