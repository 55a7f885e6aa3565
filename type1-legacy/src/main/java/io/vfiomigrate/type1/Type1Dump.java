package io.vfiomigrate.type1;

import io.vfiomigrate.api.U64;
import java.util.Locale;

/**
 * {@link Type1Backend#dumpState()}: the whole backend as text, deterministic, so that equal
 * strings mean equal states. Per container: its groups and devices, the backend's scalars and
 * {@code iova_list}, each domain's page table ({@code IommuDomain.dump()}) and groups, and each
 * dma with its fields, its mapped runs and its {@code vfio_pfn} entries; then the leak ledger.
 */
final class Type1Dump {
  private final StringBuilder out = new StringBuilder();

  private Type1Dump() {}

  static String of(Type1Backend backend) {
    Type1Dump dump = new Type1Dump();
    for (VfioContainer container : backend.registry().openContainers()) {
      dump.container(container);
    }
    dump.out.append(backend.leaks()).append('\n');
    return dump.out.toString();
  }

  private void container(VfioContainer container) {
    out.append("container ").append(container.id()).append(" groups");
    for (ContainerGroup group : container.groups()) {
      out.append(' ').append(group.kind().name().toLowerCase(Locale.ROOT)).append(':')
          .append(group.id());
      group.device().ifPresent(d -> out.append(d.isOpen() ? "(open)" : "(closed)"));
    }
    out.append('\n');
    container.iommu().ifPresent(this::iommu);
  }

  private void iommu(VfioIommu iommu) {
    out.append(" ").append(iommu.v2() ? "type1v2" : "type1")
        .append(" pgsize_bitmap=").append(U64.hex(iommu.pgsizeBitmap()))
        .append(" dma_avail=").append(iommu.dmaAvail())
        .append(" vaddr_invalid_count=").append(iommu.vaddrInvalidCount())
        .append(" iova_list=").append(iommu.iovaList())
        .append(" emulated=").append(iommu.emulatedGroups())
        .append(" device_list=[");
    for (EmulatedDevice device : iommu.devices()) {
      out.append(device.groupId()).append(' ');
    }
    out.append("]\n");
    for (VfioDomain domain : iommu.domains()) {
      out.append(' ').append(domain.domain().dump().replace("\n", "\n ")).append("\n  groups ")
          .append(domain.groups()).append('\n');
    }
    for (VfioDma dma : iommu.dmas().all()) {
      dma(dma);
    }
  }

  private void dma(VfioDma dma) {
    out.append(" dma [").append(U64.hex(dma.iova())).append(", ").append(U64.hex(dma.last()))
        .append("] vaddr=").append(U64.hex(dma.vaddr()))
        .append(" prot=").append(dma.prot())
        .append(" iommu_mapped=").append(dma.iommuMapped())
        .append(" lock_cap=").append(dma.lockCap())
        .append(" vaddr_invalid=").append(dma.vaddrInvalid())
        .append(" task=").append(dma.task().pid())
        .append(" locked_vm=").append(dma.lockedVm())
        .append('\n');
    MappedRuns runs = dma.runs();
    if (!runs.isEmpty()) {
      out.append("  runs");
      for (int i = 0; i < runs.count(); i++) {
        out.append(' ').append(runs.startPage(i)).append('+').append(runs.npages(i)).append('@')
            .append(U64.hex(runs.pfn(i))).append(runs.reserved(i) ? "r" : "");
      }
      out.append('\n');
    }
    if (!dma.pfns().isEmpty()) {
      out.append("  vfio_pfn");
      dma.pfns().forEach((index, pfn, refCount) -> out.append(' ').append(index).append(':')
          .append(U64.hex(pfn)).append('x').append(refCount));
      out.append('\n');
    }
  }
}
