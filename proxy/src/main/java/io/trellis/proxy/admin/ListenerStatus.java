package io.trellis.proxy.admin;

/**
 * What {@code /listeners} shows of one listener.
 *
 * @param address the bound {@code ip:port} (the real port when the config asked for port 0)
 */
public record ListenerStatus(String name, String address) {}
