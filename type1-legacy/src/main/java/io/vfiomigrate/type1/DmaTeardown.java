package io.vfiomigrate.type1;

import static java.util.Objects.requireNonNull;

import io.vfiomigrate.host.IommuDomain;
import java.util.List;

/**
 * Taking dmas out of the domains and freeing them: {@code vfio_unmap_unpin}, {@code
 * vfio_remove_dma}, {@code vfio_iommu_unmap_unpin_all} and {@code
 * vfio_iommu_unmap_unpin_reaccount}. Nothing here can fail: unmapping and uncharging never do.
 */
final class DmaTeardown {
  private final VfioIommu iommu;
  private final PagePinner pinner;

  DmaTeardown(VfioIommu iommu, PagePinner pinner) {
    this.iommu = requireNonNull(iommu, "iommu is null");
    this.pinner = requireNonNull(pinner, "pinner is null");
  }

  /**
   * {@code vfio_unmap_unpin}: unmaps the dma from every domain (all but the first in one call,
   * the first run by run) and drops the domains' pins. A no-op without domains: then nothing is
   * mapped or pinned for the dma.
   *
   * @return 0 if {@code doAccounting} (the released pages were uncharged), else the number of
   *     pages unpinned, for the caller to account
   */
  long unmapUnpin(VfioDma dma, boolean doAccounting) {
    if (dma.size() == 0 || !iommu.hasDomains()) {
      return 0;
    }
    List<VfioDomain> domains = iommu.domains();
    for (int i = 1; i < domains.size(); i++) {
      domains.get(i).domain().unmap(dma.iova(), dma.size());
    }
    long unlocked = unmapUnpinRuns(domains.get(0).domain(), dma, false);
    dma.setIommuMapped(false);
    if (doAccounting) {
      dma.lockAcct(-unlocked);
      return 0;
    }
    return unlocked;
  }

  /**
   * Unmaps each of the dma's runs from {@code domain}, unpins it ({@code
   * vfio_unpin_pages_remote}) and forgets the runs.
   *
   * @return the pages unpinned
   */
  long unmapUnpinRuns(IommuDomain domain, VfioDma dma, boolean doAccounting) {
    MappedRuns runs = dma.runs();
    long unlocked = 0;
    for (int i = 0; i < runs.count(); i++) {
      long index = runs.startPage(i);
      domain.unmap(dma.iova() + index * VfioIommu.PAGE_SIZE, runs.npages(i) * VfioIommu.PAGE_SIZE);
      unlocked += pinner.unpinPagesRemote(dma, index, runs.pfn(i), runs.npages(i),
          runs.reserved(i), doAccounting);
    }
    runs.clear();
    return unlocked;
  }

  /**
   * {@code vfio_remove_dma}: unmaps, unpins and uncharges the dma and frees it. A dma that still
   * has {@code vfio_pfn} entries is a driver bug the kernel warns about and leaks: its pins and
   * any remaining charge go to the {@link KernelLeaks} ledger.
   */
  void removeDma(VfioDma dma) {
    if (!dma.pfns().isEmpty()) {
      iommu.host().log().warn("vfio_remove_dma", dma + " is freed with " + dma.pfns().size()
          + " externally pinned pages; their pins leak");
    }
    unmapUnpin(dma, true);
    iommu.dmas().unlink(dma);
    if (!dma.pfns().isEmpty() || dma.lockedVm() != 0) {
      iommu.leaks().record(dma);
    }
    iommu.setVaddrInvalid(dma, false);
    iommu.returnDmaEntry();
  }

  /** {@code vfio_iommu_unmap_unpin_all}: removes every dma. */
  void unmapUnpinAll() {
    VfioDma dma;
    while ((dma = iommu.dmas().first()) != null) {
      removeDma(dma);
    }
  }

  /**
   * {@code vfio_iommu_unmap_unpin_reaccount}: the last domain is going while emulated groups
   * stay. Every dma is unmapped and unpinned but kept, and its charge falls back to the pages
   * its {@code vfio_pfn} entries hold (all of them are ordinary pages: reserved frames are never
   * pinned externally).
   */
  void unmapUnpinReaccount() {
    for (VfioDma dma : iommu.dmas().all()) {
      long unlocked = unmapUnpin(dma, false);
      long locked = dma.pfns().size();
      dma.lockAcct(locked - unlocked);
    }
  }
}
