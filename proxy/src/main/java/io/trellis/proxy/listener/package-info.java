/**
 * Listeners as the xDS layer drives them ({@link io.trellis.proxy.listener.Listeners}): bind, compile
 * each {@code ListenerConfig} into an immutable {@code CompiledListener} (filter-chain matcher plus
 * compiled network filters), swap it atomically on update, and drain the connections that started on
 * the old one. Listener filters (TLS and HTTP inspectors, original destination) run before
 * filter-chain matching; a chain with a TLS transport socket terminates TLS before its network filter
 * sees the connection. Listeners whose TLS chains name SDS secrets warm until the secrets arrive, and a
 * rotated secret reaches new connections without touching open ones.
 */
package io.trellis.proxy.listener;
