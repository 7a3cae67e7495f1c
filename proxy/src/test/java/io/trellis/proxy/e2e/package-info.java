/**
 * End-to-end tests: a whole proxy (bootstrap file or ADS) between real clients (curl, grpc-java) and
 * real backends on loopback, so what is tested is what a user runs.
 */
package io.trellis.proxy.e2e;
