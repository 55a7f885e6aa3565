package io.vfiomigrate.iommufd.compat;

import static java.util.Objects.requireNonNull;

import io.vfiomigrate.api.ContainerRegistry;
import io.vfiomigrate.api.Type1Container;
import io.vfiomigrate.api.VfioBackend;
import io.vfiomigrate.host.Host;
import io.vfiomigrate.host.Task;
import io.vfiomigrate.iommufd.context.IommufdContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code compat} backend on one host: type1 containers served by iommufd's vfio_compat
 * layer, one iommufd context (MM accounting) per container, and which container each group is
 * set on. Constructed with {@code new} in tests; {@link CompatBackendFactory} makes it
 * available to the rest of the project.
 *
 * <p>{@link #checkInvariants()} balances the whole host against the backend: each context's own
 * invariants, and every task's and user's counters and the host's pin references against the
 * pages of the open contexts plus those that closed containers leaked. So nothing else may pin
 * or charge on this host.
 */
public final class CompatBackend implements VfioBackend {
  /** The backend's name in the CLI and in reports. */
  public static final String NAME = "compat";

  private final Host host;
  private final ContainerRegistry<VfioCompatContainer> registry = new ContainerRegistry<>();
  /** Contexts of closed containers whose pages a buggy driver kept pinned. */
  private final List<IommufdContext> leaked = new ArrayList<>();

  public CompatBackend(Host host) {
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

  /** Opens the iommufd-provided {@code /dev/vfio/vfio}: a context in MM accounting mode. */
  @Override
  public Type1Container openContainer(Task current) {
    requireNonNull(current, "current is null");
    return registry.open(id -> new VfioCompatContainer(this, id));
  }

  @Override
  public void checkInvariants() {
    List<IommufdContext> contexts = new ArrayList<>(leaked);
    for (VfioCompatContainer container : registry.openContainers()) {
      container.ictx().checkInvariants();
      for (CompatGroup group : container.groups()) {
        require(registry.groupOwner(group.groupId()).orElse(null) == container,
            "group %d of %s is not owned by it", group.groupId(), container);
        require(group.attached(), "the device of group %d of %s is not attached",
            group.groupId(), container);
      }
      contexts.add(container.ictx());
    }
    for (Map.Entry<Integer, VfioCompatContainer> owner : registry.groupOwners().entrySet()) {
      require(!owner.getValue().closed() && owner.getValue().groups().stream()
          .anyMatch(g -> g.groupId() == owner.getKey()), "group %d is owned by %s which lacks it",
          owner.getKey(), owner.getValue());
    }
    IommufdContext.checkAccounting(host, contexts);
  }

  /** Each open container's groups and context, then what closed containers leaked. */
  @Override
  public String dumpState() {
    StringBuilder out = new StringBuilder();
    for (VfioCompatContainer container : registry.openContainers()) {
      out.append(container).append(" groups");
      container.groups().forEach(g -> out.append(' ').append(g));
      out.append('\n').append(container.ictx().dumpState()).append('\n');
    }
    for (IommufdContext ctx : leaked) {
      out.append("closed container leaking\n").append(ctx.dumpState()).append('\n');
    }
    return out.toString();
  }

  ContainerRegistry<VfioCompatContainer> registry() {
    return registry;
  }

  void containerClosed(VfioCompatContainer container) {
    registry.closed(container);
    if (container.ictx().hasLeaks()) {
      leaked.add(container.ictx());
    }
  }

  private static void require(boolean condition, String format, Object... args) {
    if (!condition) {
      throw new IllegalStateException(String.format(format, args));
    }
  }
}
