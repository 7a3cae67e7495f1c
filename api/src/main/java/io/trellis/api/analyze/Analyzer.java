package io.trellis.api.analyze;

/** One cross-resource check. Implementations are stateless; each run gets a fresh index and sink. */
public interface Analyzer {

  /** A short name for listings, e.g. {@code virtualservice.destinationhosts}. */
  String name();

  void analyze(MeshIndex mesh, Diagnostics out);
}
