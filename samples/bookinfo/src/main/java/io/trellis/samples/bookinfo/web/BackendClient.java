package io.trellis.samples.bookinfo.web;

import java.io.IOException;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Calls another Bookinfo service with a deadline.
 *
 * <p>HTTP/1.1 only: the JDK client would otherwise offer an {@code h2c} upgrade on every plain
 * request, which is not what Istio's Bookinfo services send and not what a sidecar expects of
 * them. The deadline bounds the whole call, body included, as Bookinfo's own clients do.
 */
public final class BackendClient {
  private final HttpClient client;

  BackendClient(HttpClient client) {
    this.client = client;
  }

  /** A client that goes through the proxy {@code env} names, if any. */
  public static BackendClient create(Environment env) {
    return create(EnvironmentProxySelector.from(env));
  }

  /** A client that picks its proxy with {@code proxies}. */
  public static BackendClient create(ProxySelector proxies) {
    return new BackendClient(
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .proxy(proxies)
            .executor(Executors.newVirtualThreadPerTaskExecutor())
            .build());
  }

  /**
   * {@code GET uri} with {@code headers}, giving up after {@code timeout}. Never throws for a
   * failed call: the result says what happened.
   */
  public BackendResult get(URI uri, Map<String, String> headers, Duration timeout) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET().timeout(timeout);
    for (Map.Entry<String, String> header : headers.entrySet()) {
      try {
        request.header(header.getKey(), header.getValue());
      } catch (IllegalArgumentException notSendable) {
        // A header the JDK refuses to send (a value it deems invalid) is dropped, not fatal:
        // forwarded headers are a courtesy to tracing, never needed for the answer.
      }
    }
    CompletableFuture<HttpResponse<String>> call =
        client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    try {
      HttpResponse<String> response = call.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      return new BackendResult.Answered(response.statusCode(), response.body());
    } catch (TimeoutException expired) {
      call.cancel(true);
      return new BackendResult.Failed("timed out after " + timeout.toMillis() + "ms: " + uri);
    } catch (InterruptedException interrupted) {
      call.cancel(true);
      Thread.currentThread().interrupt();
      return new BackendResult.Failed("interrupted: " + uri);
    } catch (ExecutionException failed) {
      Throwable cause = failed.getCause();
      String what = cause instanceof IOException && cause.getMessage() == null
          ? cause.getClass().getSimpleName()
          : String.valueOf(cause);
      return new BackendResult.Failed(what + ": " + uri);
    }
  }
}
