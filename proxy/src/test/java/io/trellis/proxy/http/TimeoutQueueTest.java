package io.trellis.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Shared per-loop timeout queues: they fire once, never early, in order, and stay small when cancelled. */
class TimeoutQueueTest {
  private final EventLoop loop = new DefaultEventLoop();

  @AfterEach
  void stop() throws InterruptedException {
    loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
  }

  private <T> T onLoop(Callable<T> c) throws Exception {
    return loop.submit(c).get(5, TimeUnit.SECONDS);
  }

  @Test
  void firesEachLiveTimeoutOnceNoEarlierThanItsDeadlineInStartOrder() throws Exception {
    List<Integer> fired = Collections.synchronizedList(new ArrayList<>());
    List<Long> lateness = Collections.synchronizedList(new ArrayList<>());
    Duration d = Duration.ofMillis(150);
    onLoop(() -> {
      for (int i = 0; i < 5; i++) {
        int n = i;
        long started = System.nanoTime();
        TimeoutQueue.Timeout t = TimeoutQueue.start(loop, d, () -> {
          fired.add(n);
          lateness.add(System.nanoTime() - started - d.toNanos());
        });
        if (n == 2) {
          t.cancel();
          assertThat(t.isPending()).isFalse();
        }
      }
      return null;
    });
    await().atMost(Duration.ofSeconds(5)).until(() -> fired.size() == 4);
    assertThat(fired).containsExactly(0, 1, 3, 4);
    assertThat(lateness).allSatisfy(l -> assertThat(l).isGreaterThanOrEqualTo(0L));
  }

  @Test
  void aTimeoutStartedByAnExpiringOneStillFires() throws Exception {
    List<String> fired = Collections.synchronizedList(new ArrayList<>());
    Duration d = Duration.ofMillis(50);
    onLoop(() -> TimeoutQueue.start(loop, d, () -> {
      fired.add("first");
      TimeoutQueue.start(loop, d, () -> fired.add("second"));
    }));
    await().atMost(Duration.ofSeconds(5)).until(() -> fired.size() == 2);
    assertThat(fired).containsExactly("first", "second");
  }

  @Test
  void cancelledTimeoutsBehindALongLivedOneAreSweptOut() throws Exception {
    Duration d = Duration.ofMinutes(5);
    TimeoutQueue q = new TimeoutQueue(loop, d);
    onLoop(() -> {
      TimeoutQueue.Timeout longLived = q.add(() -> { });
      for (int i = 0; i < 100_000; i++) {
        q.add(() -> { }).cancel();
      }
      assertThat(q.live()).isEqualTo(1);
      assertThat(q.size()).isLessThan(1_000);
      longLived.cancel();
      assertThat(q.size()).isZero();
      return null;
    });
  }

  @Test
  void aFailingTaskDoesNotStopTheOthers() throws Exception {
    List<Integer> fired = Collections.synchronizedList(new ArrayList<>());
    Duration d = Duration.ofMillis(30);
    onLoop(() -> {
      TimeoutQueue.start(loop, d, () -> {
        throw new IllegalStateException("boom (expected by the test)");
      });
      TimeoutQueue.start(loop, d, () -> fired.add(1));
      return null;
    });
    await().atMost(Duration.ofSeconds(5)).until(() -> fired.size() == 1);
  }

  @Test
  void unsharedAndOffLoopTimeoutsFireAndCancelToo() throws Exception {
    List<String> fired = Collections.synchronizedList(new ArrayList<>());
    TimeoutQueue.Timeout offLoop = TimeoutQueue.start(loop, Duration.ofMillis(20), () -> fired.add("off-loop"));
    onLoop(() -> {
      TimeoutQueue.startUnshared(loop, Duration.ofMillis(20), () -> fired.add("unshared"));
      TimeoutQueue.startUnshared(loop, Duration.ofMillis(20), () -> fired.add("cancelled")).cancel();
      return null;
    });
    await().atMost(Duration.ofSeconds(5)).until(() -> fired.size() == 2);
    assertThat(fired).containsExactlyInAnyOrder("off-loop", "unshared");
    assertThat(offLoop.isPending()).isFalse();
  }

  @Test
  void manyDistinctDurationsFallBackToTheLoopSchedulerAndStillFire() throws Exception {
    List<Integer> fired = Collections.synchronizedList(new ArrayList<>());
    int n = TimeoutQueue.MAX_QUEUES_PER_LOOP + 10;
    onLoop(() -> {
      for (int i = 0; i < n; i++) {
        int k = i;
        TimeoutQueue.start(loop, Duration.ofMillis(10).plusNanos(i), () -> fired.add(k));
      }
      return null;
    });
    await().atMost(Duration.ofSeconds(5)).until(() -> fired.size() == n);
  }
}
