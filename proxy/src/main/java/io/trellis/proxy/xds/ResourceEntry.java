package io.trellis.proxy.xds;

import com.google.protobuf.Any;
import java.time.Instant;

/**
 * One accepted resource: its runtime value, and the proto it came from for {@code /config_dump}.
 *
 * @param version the state-of-the-world version of the response (delta: the resource's own version)
 * @param lastUpdated when this resource last changed
 */
public record ResourceEntry<T>(String name, String version, Any proto, T value, Instant lastUpdated) {}
