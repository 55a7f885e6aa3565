package io.vfiomigrate.iommufd.compat;

import static java.util.Objects.requireNonNull;

import io.vfiomigrate.api.Type1Container;
import io.vfiomigrate.api.VfioBackend;
import io.vfiomigrate.host.Host;
import io.vfiomigrate.host.Task;
import io.vfiomigrate.iommufd.context.IommufdContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

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
  /** Open containers, in the order they were opened. */
  private final List<VfioCompatContainer> containers = new ArrayList<>();
  /** Contexts of closed containers whose pages a buggy driver kept pinned. */
  private final List<IommufdContext> leaked = new ArrayList<>();
  private final Map<Integer, VfioCompatContainer> groupOwners = new TreeMap<>();
  private int nextContainerId = 1;

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
    VfioCompatContainer container = new VfioCompatContainer(this, nextContainerId++);
    containers.add(container);
    return container;
  }

  @Override
  public void checkInvariants() {
    List<IommufdContext> contexts = new ArrayList<>(leaked);
    for (VfioCompatContainer container : containers) {
      container.ictx().checkInvariants();
      for (CompatGroup group : container.groups()) {
        require(groupOwners.get(group.groupId()) == container,
            "group %d of %s is not owned by it", group.groupId(), container);
        require(group.attached(), "the device of group %d of %s is not attached",
            group.groupId(), container);
      }
      contexts.add(container.ictx());
    }
    for (Map.Entry<Integer, VfioCompatContainer> owner : groupOwners.entrySet()) {
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
    for (VfioCompatContainer container : containers) {
      out.append(container).append(" groups");
      container.groups().forEach(g -> out.append(' ').append(g));
      out.append('\n').append(container.ictx().dumpState()).append('\n');
    }
    for (IommufdContext ctx : leaked) {
      out.append("closed container leaking\n").append(ctx.dumpState()).append('\n');
    }
    return out.toString();
  }

  Optional<VfioCompatContainer> groupOwner(int groupId) {
    return Optional.ofNullable(groupOwners.get(groupId));
  }

  void claimGroup(int groupId, VfioCompatContainer container) {
    if (groupOwners.putIfAbsent(groupId, container) != null) {
      throw new IllegalStateException("group " + groupId + " is already in a container");
    }
  }

  void releaseGroup(int groupId) {
    groupOwners.remove(groupId);
  }

  void containerClosed(VfioCompatContainer container) {
    containers.remove(container);
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
