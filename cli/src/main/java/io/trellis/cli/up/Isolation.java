package io.trellis.cli.up;

/** How pods are kept apart on the machine ({@code trellis up --isolation}). */
public enum Isolation {
  /** Shared host network, a loopback address per pod, explicit proxying; needs no privileges. */
  LOOPBACK,
  /** A network namespace, veth and IP per pod, traffic captured with iptables; Linux and root. */
  NETNS
}
