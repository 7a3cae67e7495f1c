/**
 * Listeners as the xDS layer drives them ({@link io.trellis.proxy.listener.Listeners}): bind, compile
 * each {@code ListenerConfig} into an immutable {@code CompiledListener} (filter-chain matcher plus
 * compiled network filters), swap it atomically on update, and drain the connections that started on
 * the old one. Listener filters (TLS and HTTP inspectors, original destination) run before
 * filter-chain matching.
 */
package io.trellis.proxy.listener;
