/**
 * Tests that walk generated xDS the way Envoy would: a {@link io.trellis.control.sim.Simulator}
 * takes a proxy's resources and a request and reports which listener, filter chain, route and
 * cluster it reaches — Istio's own way of testing translation, which catches mistakes that
 * comparing protos does not.
 */
package io.trellis.control.sim;
