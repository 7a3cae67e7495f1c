package io.trellis.samples.bookinfo;

import com.sun.net.httpserver.HttpHandler;
import io.trellis.samples.bookinfo.details.DetailsService;
import io.trellis.samples.bookinfo.productpage.ProductPageService;
import io.trellis.samples.bookinfo.ratings.RatingsService;
import io.trellis.samples.bookinfo.reviews.ReviewsService;
import io.trellis.samples.bookinfo.reviews.ReviewsVersion;
import io.trellis.samples.bookinfo.web.BackendClient;
import io.trellis.samples.bookinfo.web.Environment;
import io.trellis.samples.bookinfo.web.ServiceAddress;
import io.trellis.samples.bookinfo.web.ServiceHost;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Starts one Bookinfo service: {@code java -jar trellis-bookinfo.jar SERVICE [--port N]
 * [--version vN]}.
 *
 * <p>Configuration comes from the pod's environment, as in Kubernetes: {@code POD_IP} (the bind
 * address), {@code POD_NAME}, {@code CLUSTER_NAME}, {@code SERVICE_VERSION}, the
 * {@code *_HOSTNAME}/{@code *_SERVICE_PORT}/{@code SERVICES_DOMAIN} addresses of the other
 * services, and {@code HTTP_PROXY}/{@code NO_PROXY}. Once it listens, it prints one line saying
 * where; on SIGTERM it stops taking connections and gives requests in flight a second to finish.
 */
public final class Bookinfo {
  /** How long a stopping service lets requests in flight finish. */
  public static final int STOP_GRACE_SECONDS = 1;

  private Bookinfo() {}

  public static void main(String[] args) {
    LaunchOptions options;
    try {
      options = LaunchOptions.parse(args);
    } catch (IllegalArgumentException badArguments) {
      System.err.println("bookinfo: " + badArguments.getMessage());
      System.err.println(LaunchOptions.USAGE);
      System.exit(2);
      return;
    }
    ServiceHost host;
    try {
      host = start(options, Environment.system(), System.out);
    } catch (IllegalArgumentException badConfiguration) {
      System.err.println("bookinfo " + options.service().label() + ": " + badConfiguration.getMessage());
      System.exit(2);
      return;
    } catch (IOException cannotListen) {
      System.err.println("bookinfo " + options.service().label() + ": cannot listen: " + cannotListen);
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(
        Thread.ofPlatform().unstarted(() -> host.stop(STOP_GRACE_SECONDS)));
    // The server's dispatcher thread keeps the JVM running until the shutdown hook stops it.
  }

  /**
   * Starts the service {@code options} names, configured from {@code env}, logging to
   * {@code log}. Tests use this to run services in process, on real sockets.
   *
   * @throws IllegalArgumentException when the options or the environment are unusable
   * @throws IOException when the address cannot be bound
   */
  public static ServiceHost start(LaunchOptions options, Environment env, PrintStream log)
      throws IOException {
    String version = version(options, env);
    HttpHandler handler = switch (options.service()) {
      case PRODUCTPAGE -> new ProductPageService(ServiceAddress.of(env, "details"),
          ServiceAddress.of(env, "reviews"), ServiceAddress.of(env, "ratings"),
          BackendClient.create(env));
      case DETAILS -> new DetailsService();
      case RATINGS -> new RatingsService();
      case REVIEWS -> new ReviewsService(ReviewsVersion.parse(version),
          ServiceAddress.of(env, "ratings"), BackendClient.create(env), podName(env),
          env.get("CLUSTER_NAME"));
    };
    String name = options.service().label() + "-" + version;
    ServiceHost host = ServiceHost.start(name,
        ServiceHost.bindAddress(env, options.port().orElse(ServiceAddress.DEFAULT_PORT)),
        handler, log);
    log.println("[" + name + "] listening on " + hostAndPort(host) + " (pod " + podName(env) + ")");
    return host;
  }

  private static String version(LaunchOptions options, Environment env) {
    if (options.service() == ServiceName.REVIEWS) {
      return options.version().or(() -> env.get("SERVICE_VERSION")).orElse("v1");
    }
    String version = options.version().orElse("v1");
    if (!version.equals("v1")) {
      throw new IllegalArgumentException("--version " + version + ": " + options.service().label()
          + " has only v1 in this Bookinfo (expected: v1)");
    }
    return version;
  }

  /** {@code POD_NAME}, else {@code HOSTNAME}, else the machine's name, as Kubernetes would set. */
  static String podName(Environment env) {
    return env.get("POD_NAME").or(() -> env.get("HOSTNAME")).orElseGet(() -> {
      try {
        return InetAddress.getLocalHost().getHostName();
      } catch (UnknownHostException unnamed) {
        return "unknown";
      }
    });
  }

  private static String hostAndPort(ServiceHost host) {
    InetAddress address = host.address().getAddress();
    String text = address.getHostAddress();
    return (text.contains(":") ? "[" + text + "]" : text) + ":" + host.port();
  }
}
