package io.vfiomigrate.type1;

import io.vfiomigrate.api.GroupKind;
import io.vfiomigrate.api.IovaRange;
import io.vfiomigrate.api.U64;
import io.vfiomigrate.host.Host;
import io.vfiomigrate.host.IommuDomain;
import io.vfiomigrate.host.PhysicalMemory;
import io.vfiomigrate.host.Task;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;

/**
 * The checks behind {@link Type1Backend#checkInvariants()}: the spec's F.1 (dmas never overlap,
 * {@code dma_avail} balances), F.2 (what {@code locked_vm} must be, per dma and per task), F.3
 * (a dma with external pins is never freed silently: the leak ledger and a warning account for
 * it) and F.7 (every pin on the host is one the backend accounts for, so none is left once the
 * containers are closed), plus the structure of each container. Costs one pass over the dmas,
 * runs and {@code vfio_pfn} entries.
 */
final class Type1Invariants {
  private final Host host;
  private final Map<Integer, Long> chargedByPid = new TreeMap<>();
  private long pins;

  private Type1Invariants(Host host) {
    this.host = host;
  }

  static void check(Type1Backend backend) {
    Type1Invariants check = new Type1Invariants(backend.host());
    check.pins = backend.leaks().pins();
    for (VfioContainer container : backend.registry().openContainers()) {
      check.container(backend, container);
    }
    for (Map.Entry<Integer, VfioContainer> owner : backend.registry().groupOwners().entrySet()) {
      require(!owner.getValue().closed() && owner.getValue().groups().stream()
          .anyMatch(g -> g.id() == owner.getKey()), "group %d is owned by %s which lacks it",
          owner.getKey(), owner.getValue());
    }
    for (Task task : check.host.tasks()) {
      long expected = check.chargedByPid.getOrDefault(task.pid(), 0L)
          + backend.leaks().lockedVm(task.pid());
      require(task.mm().lockedVm() == expected, "pid %d has locked_vm %d but its dmas account"
          + " for %d", task.pid(), task.mm().lockedVm(), expected);
    }
    long pinRefs = check.host.memory().pinRefs();
    require(pinRefs == check.pins, "the host holds %d pin references but the backend accounts"
        + " for %d", pinRefs, check.pins);
  }

  private void container(Type1Backend backend, VfioContainer container) {
    Set<Integer> ids = new HashSet<>();
    for (ContainerGroup group : container.groups()) {
      require(ids.add(group.id()), "container %d lists group %d twice", container.id(),
          group.id());
      require(backend.registry().groupOwner(group.id()).orElse(null) == container,
          "group %d of container %d is not owned by it", group.id(), container.id());
      group.device().ifPresent(device -> require(device.isOpen() == container.iommu().isPresent(),
          "%s is %s in container %d", device, device.isOpen() ? "open" : "closed",
          container.id()));
    }
    container.iommu().ifPresent(iommu -> {
      require(!ids.isEmpty(), "container %d has a backend but no group", container.id());
      for (ContainerGroup group : container.groups()) {
        boolean emulated = iommu.emulatedGroups().contains(group.id());
        require(iommu.hasGroup(group.id()) && emulated == (group.kind() == GroupKind.EMULATED),
            "group %d of container %d is not attached to its backend as %s", group.id(),
            container.id(), group.kind());
      }
      iommu(iommu, ids.size());
    });
  }

  private void iommu(VfioIommu iommu, int groupCount) {
    int attached = iommu.emulatedGroups().size();
    for (VfioDomain domain : iommu.domains()) {
      require(!domain.groups().isEmpty(), "%s has no group", domain.domain());
      attached += domain.groups().size();
    }
    require(attached == groupCount, "the backend has %d groups, its container %d", attached,
        groupCount);
    for (EmulatedDevice device : iommu.devices()) {
      require(device.isOpen() && iommu.emulatedGroups().contains(device.groupId()),
          "%s is on device_list without its group", device);
    }
    require(iommu.pgsizeBitmap() == iommu.computePgsizeBitmap(), "pgsize_bitmap %s is stale",
        U64.hex(iommu.pgsizeBitmap()));
    require(!iommu.hasDomains() || !iommu.iovaList().isEmpty(),
        "domains exist but iova_list is empty");
    List<IovaRange> ranges = iommu.iovaList().ranges();
    for (int i = 1; i < ranges.size(); i++) {
      require(U64.lessThan(ranges.get(i - 1).last(), ranges.get(i).first()),
          "iova_list %s is not sorted and disjoint", ranges);
    }
    long dmaCount = 0;
    long invalid = 0;
    long mappedBytes = 0;
    VfioDma previous = null;
    for (VfioDma dma : iommu.dmas().all()) {
      require(dma.size() != 0 && U64.isAligned(dma.size(), VfioIommu.PAGE_SIZE),
          "%s has a bad size", dma);
      require(previous == null || U64.lessThan(previous.last(), dma.iova()),
          "%s overlaps %s (F.1)", dma, previous);
      dma(iommu, dma);
      dmaCount++;
      invalid += dma.vaddrInvalid() ? 1 : 0;
      mappedBytes += dma.iommuMapped() ? dma.size() : 0;
      previous = dma;
    }
    require(iommu.dmaAvail() >= 0 && iommu.dmaAvail() + dmaCount == iommu.dmaEntryLimit(),
        "dma_avail %d + %d dmas != dma_entry_limit %d (F.1)", iommu.dmaAvail(), dmaCount,
        iommu.dmaEntryLimit());
    require(invalid == iommu.vaddrInvalidCount(), "vaddr_invalid_count %d but %d dmas invalid",
        iommu.vaddrInvalidCount(), invalid);
    for (VfioDomain domain : iommu.domains()) {
      require(domain.domain().mappedBytes() == mappedBytes, "%s maps %s bytes, the dmas %s",
          domain.domain(), U64.hex(domain.domain().mappedBytes()), U64.hex(mappedBytes));
    }
  }

  private void dma(VfioIommu iommu, VfioDma dma) {
    MappedRuns runs = dma.runs();
    if (iommu.hasDomains()) {
      require(dma.iommuMapped() && runs.pages() == dma.npages(), "%s is not fully mapped into"
          + " the domains", dma);
      require(dma.lockedVm() == runs.nonReservedPages(), "%s has locked_vm %d but %d"
          + " non-reserved pages (F.2)", dma, dma.lockedVm(), runs.nonReservedPages());
      for (VfioDomain domain : iommu.domains()) {
        runsIn(domain.domain(), dma);
      }
    } else {
      require(!dma.iommuMapped() && runs.isEmpty(), "%s is mapped without a domain", dma);
      require(dma.lockedVm() == dma.pfns().size(), "%s has locked_vm %d but %d vfio_pfns (F.2)",
          dma, dma.lockedVm(), dma.pfns().size());
    }
    VfioPfnTree pfns = dma.pfns();
    pfns.checkInvariants();
    PhysicalMemory memory = host.memory();
    pfns.forEach((index, pfn, refCount) -> require(index < dma.npages()
        && !memory.isReservedPfn(pfn) && memory.pinCount(pfn) >= 1,
        "vfio_pfn at page %d of %s (PFN %#x) is outside, reserved or unpinned", index, dma,
        pfn));
    pins += runs.nonReservedPages() + pfns.size();
    chargedByPid.merge(dma.task().pid(), dma.lockedVm(), Long::sum);
  }

  /** Each run translates to its frames in {@code domain}, at its first and last page. */
  private static void runsIn(IommuDomain domain, VfioDma dma) {
    MappedRuns runs = dma.runs();
    for (int i = 0; i < runs.count(); i++) {
      long iova = dma.iova() + runs.startPage(i) * VfioIommu.PAGE_SIZE;
      long lastPage = (runs.npages(i) - 1) * VfioIommu.PAGE_SIZE;
      long paddr = runs.pfn(i) * VfioIommu.PAGE_SIZE;
      OptionalLong first = domain.iovaToPhys(iova);
      OptionalLong last = domain.iovaToPhys(iova + lastPage);
      require(first.isPresent() && first.getAsLong() == paddr && last.isPresent()
          && last.getAsLong() == paddr + lastPage, "run %d of %s is not mapped in %s", i, dma,
          domain);
    }
  }

  private static void require(boolean condition, String format, Object... args) {
    if (!condition) {
      throw new IllegalStateException("type1 invariant: " + String.format(format, args));
    }
  }
}
