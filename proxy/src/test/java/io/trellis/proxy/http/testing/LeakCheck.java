package io.trellis.proxy.http.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.AbstractByteBuf;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.lang.reflect.Field;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty's leak detector (at PARANOID level, tracking every buffer) reports a
 * ByteBuf that was garbage-collected without being released. The listener is attached to the
 * detector behind every ByteBuf; at the end of the class, garbage is collected and buffers are
 * allocated so that the detector polls its queue and reports.
 */
public final class LeakCheck implements BeforeAllCallback, AfterAllCallback {
  private static final List<String> LEAKS = new CopyOnWriteArrayList<>();

  static {
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    try {
      Field f = AbstractByteBuf.class.getDeclaredField("leakDetector");
      f.setAccessible(true);
      @SuppressWarnings("unchecked")
      ResourceLeakDetector<ByteBuf> detector = (ResourceLeakDetector<ByteBuf>) f.get(null);
      detector.setLeakListener((resourceType, records) -> LEAKS.add(resourceType + ": " + records));
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot attach to Netty's ByteBuf leak detector", e);
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    LEAKS.clear();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    for (int i = 0; i < 5; i++) {
      System.gc();
      for (int j = 0; j < 200; j++) {
        ByteBufAllocator.DEFAULT.buffer(16).release();
      }
    }
    assertThat(LEAKS).as("ByteBuf leaks").isEmpty();
  }

  /** For tests that check explicitly. */
  public static List<String> leaks() {
    return List.copyOf(LEAKS);
  }
}
