package io.vfiomigrate.cli.plan;

import io.vfiomigrate.proto.Backing;
import io.vfiomigrate.proto.GroupKind;
import io.vfiomigrate.proto.MemoryRegion;
import io.vfiomigrate.proto.TraceHeader;
import io.vfiomigrate.proto.Type1Event;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The libvirt domain behind each VMM process of a trace, as far as the trace shows it, so that
 * libvirt's memlock rule can be applied to a recording:
 *
 * <ul>
 *   <li>guest memory: the process's memory regions except device BARs (MMIO);
 *   <li>VFIO hostdevs: the distinct groups it attached, IOMMU groups (PCI hostdevs) and emulated
 *       ones (mdevs) alike, as libvirt counts both; a hot-plugged device counts, since libvirt
 *       raises the limit for it;
 *   <li>vIOMMU: the process had more than one container open at once. QEMU puts every device of the
 *       system address space into one container and gives each device its own only behind a vIOMMU
 *       (one address space per device).
 * </ul>
 *
 * Every task of the header is taken for a VMM process, so a domain; one without a VFIO device gets
 * what libvirt's rule gives it from the command line's NVMe, vDPA, hard_limit and locked options.
 */
final class TraceDomains {
  private final Map<Integer, Long> memory = new TreeMap<>();
  private final Map<Integer, Set<Integer>> groups = new HashMap<>();
  private final Map<Integer, Integer> openContainers = new HashMap<>();
  private final Map<Integer, Integer> mostContainers = new HashMap<>();
  private final Map<Integer, Integer> containerOwners = new HashMap<>();

  TraceDomains(TraceHeader header) {
    header.getTasksList().forEach(task -> memory.put(task.getPid(), 0L));
    for (MemoryRegion region : header.getMemoryList()) {
      if (region.getBacking() != Backing.MMIO) {
        memory.merge(region.getPid(), region.getSize(), Long::sum);
      }
    }
  }

  void accept(Type1Event event) {
    int pid = event.getPid();
    switch (event.getOpCase()) {
      case CONTAINEROPEN -> {
        containerOwners.put(event.getContainerOpen().getContainer(), pid);
        int open = openContainers.merge(pid, 1, Integer::sum);
        mostContainers.merge(pid, open, Math::max);
      }
      case CONTAINERCLOSE -> {
        Integer owner = containerOwners.remove(event.getContainerClose().getContainer());
        if (owner != null) {
          openContainers.merge(owner, -1, Integer::sum);
        }
      }
      case GROUPATTACH -> {
        GroupKind kind = event.getGroupAttach().getKind();
        if (kind == GroupKind.IOMMU || kind == GroupKind.EMULATED) {
          groups.computeIfAbsent(pid, p -> new HashSet<>()).add(event.getGroupAttach().getGroup());
        }
      }
      default -> {
        // Maps, pins and detaches do not change what libvirt counts.
      }
    }
  }

  /** Each domain's rule inputs by pid, with what the command line adds. */
  Map<Integer, DomainMemlockInputs> domains(LibvirtOptions options) {
    Map<Integer, DomainMemlockInputs> domains = new TreeMap<>();
    memory.forEach(
        (pid, bytes) ->
            domains.put(
                pid,
                options.domain(
                    bytes,
                    groups.getOrDefault(pid, Set.of()).size(),
                    mostContainers.getOrDefault(pid, 0) > 1)));
    return domains;
  }
}
