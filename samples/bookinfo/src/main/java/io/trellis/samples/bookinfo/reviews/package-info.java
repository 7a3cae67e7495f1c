/**
 * The reviews service in its three versions, the ones Istio's routing tasks shift traffic
 * between: v1 shows no stars and never calls ratings, v2 shows black stars, v3 red ones. Each
 * reply names the pod that served it, so a user can see which version answered.
 */
package io.trellis.samples.bookinfo.reviews;
