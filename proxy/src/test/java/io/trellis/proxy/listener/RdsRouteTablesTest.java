package io.trellis.proxy.listener;

import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.proxy.config.route.ForwardAction;
import io.trellis.proxy.config.route.Route;
import io.trellis.proxy.config.route.RouteConfig;
import io.trellis.proxy.config.route.RouteMatch;
import io.trellis.proxy.config.route.VirtualHostConfig;
import io.trellis.proxy.router.RouteTable;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** RDS tables are swapped whole, and one that did not change keeps its compiled table. */
class RdsRouteTablesTest {

  static RouteConfig config(String name, String cluster) {
    return new RouteConfig(
        name, List.of(new VirtualHostConfig(name + "/h", List.of("h.example"), List.of(new Route("", RouteMatch.prefix("/"), ForwardAction.to(cluster))))));
  }

  @Test
  void anUnchangedConfigurationKeepsItsTableAndAChangedOrRemovedOneIsReplaced() {
    RdsRouteTables tables = new RdsRouteTables();
    var source = tables.source("8080");
    tables.apply(Map.of("8080", config("8080", "a"), "9090", config("9090", "a")));
    RouteTable first8080 = source.current();
    RouteTable first9090 = tables.current("9090");
    assertThat(first8080).isNotSameAs(RouteTable.EMPTY);

    // Equal (not the same instance) for 8080, changed for 9090.
    tables.apply(Map.of("8080", config("8080", "a"), "9090", config("9090", "b")));
    assertThat(source.current()).isSameAs(first8080);
    assertThat(tables.current("9090")).isNotSameAs(first9090);

    tables.apply(Map.of("9090", config("9090", "b")));
    assertThat(source.current()).isSameAs(RouteTable.EMPTY);
    tables.apply(Map.of("8080", config("8080", "a")));
    assertThat(source.current()).isNotSameAs(RouteTable.EMPTY).isNotSameAs(first8080);
  }
}
