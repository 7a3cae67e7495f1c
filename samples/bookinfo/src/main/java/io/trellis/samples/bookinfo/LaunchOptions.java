package io.trellis.samples.bookinfo;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * The command line: {@code SERVICE [--port N] [--version vN]} ({@code --port=N} and
 * {@code --version=vN} work too).
 *
 * @param port overrides the default 9080; 0 asks for any free port
 * @param version the service's version; reviews also reads {@code SERVICE_VERSION}
 */
public record LaunchOptions(ServiceName service, OptionalInt port, Optional<String> version) {
  /** The usage line printed with every command-line error. */
  public static final String USAGE = "usage: java -jar trellis-bookinfo.jar SERVICE [--port N]"
      + " [--version vN]\n  SERVICE: " + ServiceName.choices() + "\n  --port: default 9080"
      + "\n  --version: v1 (reviews: v1, v2 or v3; default $SERVICE_VERSION, else v1)";

  /**
   * Parses {@code args}.
   *
   * @throws IllegalArgumentException saying which argument is wrong and why
   */
  public static LaunchOptions parse(String... args) {
    ServiceName service = null;
    OptionalInt port = OptionalInt.empty();
    Optional<String> version = Optional.empty();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String name = arg;
      String value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        name = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      }
      switch (name) {
        case "--port" -> {
          if (value == null) {
            value = valueAfter(args, i++, name);
          }
          port = OptionalInt.of(port(value));
        }
        case "--version" -> {
          if (value == null) {
            value = valueAfter(args, i++, name);
          }
          if (value.isBlank()) {
            throw new IllegalArgumentException("--version: empty (expected: v1, v2, …)");
          }
          version = Optional.of(value);
        }
        default -> {
          if (arg.startsWith("-")) {
            throw new IllegalArgumentException("unknown option '" + arg + "'");
          }
          if (service != null) {
            throw new IllegalArgumentException(
                "unexpected argument '" + arg + "' (the service is already " + service.label() + ")");
          }
          service = ServiceName.parse(arg);
        }
      }
    }
    if (service == null) {
      throw new IllegalArgumentException("no service named (expected: " + ServiceName.choices() + ")");
    }
    return new LaunchOptions(service, port, version);
  }

  private static String valueAfter(String[] args, int i, String option) {
    if (i + 1 >= args.length) {
      throw new IllegalArgumentException(option + ": missing value");
    }
    return args[i + 1];
  }

  private static int port(String value) {
    try {
      int port = Integer.parseInt(value);
      if (port >= 0 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException notANumber) {
      // reported below
    }
    throw new IllegalArgumentException("--port: '" + value + "' (expected: 0..65535)");
  }
}
