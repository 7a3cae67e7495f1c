package io.trellis.proxy.xds;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;

/**
 * One xDS resource type: how to recognise it on the wire, how to name a resource, and how to turn
 * its proto into the proxy's immutable runtime value. Parsers never throw for bad input; they record
 * each problem in the {@link ValidationErrors} and return {@code null} when the resource is unusable.
 *
 * @param <M> the Envoy proto
 * @param <T> the runtime value the proto becomes
 */
public interface XdsResourceType<M extends Message, T> {

  /** E.g. {@code type.googleapis.com/envoy.config.listener.v3.Listener}. */
  String typeUrl();

  /** The xDS service's short name, for logs: {@code LDS}, {@code RDS}, {@code CDS}, {@code EDS}. */
  String shortName();

  /** The resource kind as used in error paths: {@code Listener}, {@code Cluster}, ... */
  String kind();

  Class<M> protoClass();

  /**
   * Whether a state-of-the-world response carries every resource of the type (LDS, CDS: a resource
   * absent from the response is removed), rather than only the ones that changed (RDS, EDS).
   */
  boolean allResourcesInEachResponse();

  /**
   * Whether a subscribed name {@code N} covers every resource named {@code N/...} (split at the last
   * {@code /}) rather than only the resource named {@code N}: VHDS, where the proxy subscribes by route
   * configuration name, as Envoy does.
   */
  default boolean namespaced() {
    return false;
  }

  String name(M proto);

  /** Converts a validated proto; returns {@code null} and records why when it is not valid. */
  T parse(M proto, ValidationErrors errors);

  /** Unpacks {@code any} as this type's proto. */
  default M unpack(Any any) throws InvalidProtocolBufferException {
    return any.unpack(protoClass());
  }
}
