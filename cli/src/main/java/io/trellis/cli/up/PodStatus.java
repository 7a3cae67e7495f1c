package io.trellis.cli.up;

/**
 * One running pod as {@code trellis up} reports it (and records in {@code up.json}).
 *
 * @param name pod name
 * @param namespace namespace
 * @param ip the pod's mesh address
 * @param appIp where its app listens
 * @param appPid the app's PID (-1 while restarting)
 * @param sidecarPid the sidecar's PID (-1 without one)
 * @param restarts how often the app was restarted
 * @param admin the sidecar's admin URL ("" without one)
 * @param log the app's log file
 * @param sidecarLog the sidecar's log file ("" without one)
 * @param netns the pod's network namespace ("" in loopback mode)
 */
public record PodStatus(
    String name, String namespace, String ip, String appIp, long appPid, long sidecarPid, int restarts, String admin, String log, String sidecarLog, String netns) {}
