package io.trellis.cli.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Steady load through the gateway: a few client threads, each with its own JDK HTTP/1.1 client
 * (so its own keep-alive connection), each at a fixed rate, until stopped, a request budget is
 * spent, or a deadline passes. Every non-2xx answer and every transport error is kept.
 */
final class GatewayLoad implements AutoCloseable {
  private final List<Thread> threads = new ArrayList<>();
  private final AtomicBoolean stop = new AtomicBoolean();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong ok = new AtomicLong();
  private final Map<String, AtomicLong> byBackend = new ConcurrentHashMap<>();
  private final List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());

  /**
   * @param perThreadRate requests per second each thread sends at most (a paced, open schedule: a
   *     slow answer is followed by the requests that are due at once)
   */
  GatewayLoad(String url, int threadCount, int perThreadRate, long maxRequestsPerThread, Duration maxDuration) {
    long deadline = System.nanoTime() + maxDuration.toNanos();
    long interval = 1_000_000_000L / perThreadRate;
    for (int t = 0; t < threadCount; t++) {
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
      HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build();
      Thread thread =
          Thread.ofPlatform().daemon().name("gateway-load-" + t).unstarted(() -> {
            try (client) {
              long begin = System.nanoTime();
              for (long i = 0; i < maxRequestsPerThread && !stop.get() && System.nanoTime() < deadline; i++) {
                long due = begin + i * interval;
                // Pacing, not waiting for a condition: the load is a fixed rate, not as fast as possible.
                for (long now = System.nanoTime(); now < due && !stop.get(); now = System.nanoTime()) {
                  LockSupport.parkNanos(due - now);
                }
                sent.incrementAndGet();
                try {
                  HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
                  if (r.statusCode() / 100 == 2) {
                    ok.incrementAndGet();
                    byBackend.computeIfAbsent(r.body(), k -> new AtomicLong()).incrementAndGet();
                  } else {
                    failure("HTTP " + r.statusCode() + " " + r.headers().firstValue("x-envoy-response-flags").orElse("") + " " + r.body());
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return;
                } catch (Exception e) {
                  failure(e.toString());
                }
              }
            }
          });
      threads.add(thread);
    }
  }

  private void failure(String what) {
    if (failures.size() < 1000) {
      failures.add(System.currentTimeMillis() + " " + what);
    }
  }

  void start() {
    threads.forEach(Thread::start);
  }

  long sent() {
    return sent.get();
  }

  long ok() {
    return ok.get();
  }

  List<String> failures() {
    synchronized (failures) {
      return List.copyOf(failures);
    }
  }

  Map<String, Long> byBackend() {
    Map<String, Long> out = new TreeMap<>();
    byBackend.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  /** Stops sending and waits (bounded) for the threads to finish their last request. */
  @Override
  public void close() throws InterruptedException {
    stop.set(true);
    for (Thread t : threads) {
      t.join(Duration.ofSeconds(15));
      if (t.isAlive()) {
        t.interrupt();
      }
    }
  }
}
