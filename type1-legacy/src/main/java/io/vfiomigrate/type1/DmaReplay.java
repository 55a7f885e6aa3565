package io.vfiomigrate.type1;

import static java.util.Objects.requireNonNull;

import io.vfiomigrate.api.Errno;
import io.vfiomigrate.api.KernelException;
import io.vfiomigrate.api.U64;
import io.vfiomigrate.host.IommuDomain;
import io.vfiomigrate.host.PfnRun;
import io.vfiomigrate.host.Task;
import java.util.List;
import java.util.OptionalLong;

/**
 * {@code vfio_iommu_replay}: fills a new IOMMU-capable domain with every existing mapping before
 * it joins the container.
 *
 * <ul>
 *   <li>If the container already has a domain, every dma is {@code iommu_mapped} and its frames
 *       are read back from the first domain: no new pins, no charges.
 *   <li>If this is the first domain, no dma is pinned yet (they were mapped for emulated devices
 *       only): each is pinned run by run as by MAP_DMA, with {@code current}'s address space and
 *       limit, charging only pages that no {@code vfio_pfn} has charged already.
 * </ul>
 *
 * <p>Failure guarantee: on any error the new domain is emptied again and the pins and charges
 * taken by the replay are released, walking back from the dma that failed; the container is
 * unchanged.
 */
final class DmaReplay {
  private final VfioIommu iommu;
  private final PagePinner pinner;
  private final DmaTeardown teardown;

  DmaReplay(VfioIommu iommu, PagePinner pinner, DmaTeardown teardown) {
    this.iommu = requireNonNull(iommu, "iommu is null");
    this.pinner = requireNonNull(pinner, "pinner is null");
    this.teardown = requireNonNull(teardown, "teardown is null");
  }

  void replay(Task current, IommuDomain target) {
    IommuDomain source = iommu.hasDomains() ? iommu.domains().get(0).domain() : null;
    List<VfioDma> dmas = iommu.dmas().snapshot();
    int done = 0;
    try {
      for (; done < dmas.size(); done++) {
        VfioDma dma = dmas.get(done);
        if (dma.iommuMapped()) {
          copyFrom(source, target, dma);
        } else {
          pinAndMap(current, target, dma);
        }
      }
    } catch (KernelException e) {
      for (int j = done; j >= 0; j--) {
        unwind(target, dmas.get(j));
      }
      throw e;
    }
    for (VfioDma dma : dmas) {
      dma.setIommuMapped(true);
    }
  }

  /** Maps an already pinned dma into {@code target} with the frames {@code source} holds. */
  private void copyFrom(IommuDomain source, IommuDomain target, VfioDma dma) {
    if (source == null) {
      iommu.host().log().warn("vfio_iommu_replay", dma + " is mapped without a domain");
      throw KernelException.of(Errno.EINVAL, "vfio_iommu_replay: %s is mapped without a domain",
          dma);
    }
    MappedRuns runs = dma.runs();
    for (int i = 0; i < runs.count(); i++) {
      long iova = dma.iova() + runs.startPage(i) * VfioIommu.PAGE_SIZE;
      OptionalLong phys = source.iovaToPhys(iova);
      if (phys.isEmpty()) {
        iommu.host().log().warn("vfio_iommu_replay", "iova " + U64.hex(iova) + " of " + dma
            + " is not mapped in " + source);
        continue;
      }
      target.map(iova, phys.getAsLong(), runs.npages(i) * VfioIommu.PAGE_SIZE, dma.prot());
    }
  }

  /** Pins a dma that had no pins for the domains yet and maps it into {@code target}. */
  private void pinAndMap(Task current, IommuDomain target, VfioDma dma) {
    long npages = dma.npages();
    MappedRuns runs = dma.runs();
    while (runs.pages() < npages) {
      long index = runs.pages();
      PfnRun run = pinner.pinPagesRemote(dma, dma.vaddrOf(index), npages - index, current);
      try {
        target.map(dma.iova() + index * VfioIommu.PAGE_SIZE, run.pfn() * VfioIommu.PAGE_SIZE,
            run.npages() * VfioIommu.PAGE_SIZE, dma.prot());
      } catch (KernelException e) {
        pinner.unpinPagesRemote(dma, index, run.pfn(), run.npages(), run.reserved(), true);
        throw e;
      }
      runs.append(run.npages(), run.pfn(), run.reserved());
    }
  }

  /** Takes what the replay put into {@code target} for {@code dma} back out. */
  private void unwind(IommuDomain target, VfioDma dma) {
    if (dma.iommuMapped()) {
      target.unmap(dma.iova(), dma.size());
      return;
    }
    teardown.unmapUnpinRuns(target, dma, true);
  }
}
