package io.trellis.bench.peer;

/**
 * The URL paths every target serves (through to the origin), shared by the generated configs and
 * the loads so that both sides agree.
 */
public final class Paths {

  /** An empty 200 response. */
  public static final String EMPTY = "/0";
  /** A 1024-byte response. */
  public static final String ONE_KB = "/1k";
  /** A 1 MiB response; also accepts a 1 MiB POST body. */
  public static final String ONE_MB = "/1m";

  public static final int ONE_KB_BYTES = 1024;
  public static final int ONE_MB_BYTES = 1024 * 1024;

  private Paths() {}
}
