package io.vfiomigrate.type1;

import static java.util.Objects.requireNonNull;

import io.vfiomigrate.api.ContainerRegistry;
import io.vfiomigrate.api.Type1Container;
import io.vfiomigrate.api.VfioBackend;
import io.vfiomigrate.host.Host;
import io.vfiomigrate.host.Task;

/**
 * The type1 backend on one host: the containers opened on it, which container each group is
 * in, and the ledger of what torn-down containers leaked. Constructed with {@code new} in tests;
 * {@link Type1BackendFactory} makes it available to the rest of the project.
 *
 * <p>{@link #checkInvariants()} balances the whole host against the backend: every task's
 * {@code locked_vm} and the host's pin references must be exactly what the open containers
 * account for plus the leaks, so nothing else may pin or charge on this host.
 */
public final class Type1Backend implements VfioBackend {
  /** The backend's name in the CLI and in reports. */
  public static final String NAME = "type1";

  private final Host host;
  private final KernelLeaks leaks = new KernelLeaks();
  private final ContainerRegistry<VfioContainer> registry = new ContainerRegistry<>();

  public Type1Backend(Host host) {
    this.host = requireNonNull(host, "host is null");
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Host host() {
    return host;
  }

  /** {@code vfio_fops_open}: a container without groups or backend. */
  @Override
  public Type1Container openContainer(Task current) {
    requireNonNull(current, "current is null");
    return registry.open(id -> new VfioContainer(this, id));
  }

  @Override
  public void checkInvariants() {
    Type1Invariants.check(this);
  }

  @Override
  public String dumpState() {
    return Type1Dump.of(this);
  }

  KernelLeaks leaks() {
    return leaks;
  }

  ContainerRegistry<VfioContainer> registry() {
    return registry;
  }
}
