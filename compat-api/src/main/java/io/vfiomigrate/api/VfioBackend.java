package io.vfiomigrate.api;

import io.vfiomigrate.host.Host;
import io.vfiomigrate.host.Task;

/** One backend instance acting on one simulated host: the containers it opens share the host. */
public interface VfioBackend {
  /** A stable name, e.g. {@code type1} or {@code compat}. */
  String name();

  Host host();

  /** Opens {@code /dev/vfio/vfio} as {@code current}. */
  Type1Container openContainer(Task current);

  /**
   * Checks the backend's invariants (the kernel's WARN_ON conditions and the spec's section F).
   *
   * @throws IllegalStateException naming the first invariant that does not hold
   */
  void checkInvariants();

  /**
   * A deterministic description of the backend's whole state (mappings, pins, reference
   * counts), for tests that check an operation which failed left everything as it was.
   */
  String dumpState();
}
