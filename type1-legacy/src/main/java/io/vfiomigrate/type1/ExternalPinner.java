package io.vfiomigrate.type1;

import static java.util.Objects.requireNonNull;

import io.vfiomigrate.api.Errno;
import io.vfiomigrate.api.KernelException;
import io.vfiomigrate.api.PinnedPages;
import io.vfiomigrate.api.Prot;
import io.vfiomigrate.api.U64;
import io.vfiomigrate.host.FaultPoint;
import io.vfiomigrate.host.PfnRun;
import io.vfiomigrate.host.RegionSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The external (mdev) pin path: {@code vfio_iommu_type1_pin_pages}, {@code
 * vfio_iommu_type1_unpin_pages}, {@code vfio_unpin_page_external} and {@code
 * vfio_iommu_type1_dma_rw}.
 *
 * <p>Accounting rule ({@code do_accounting}): pages are charged here only while the container
 * has no IOMMU-capable domain; otherwise the domains already pinned and charged every page, and
 * the external pin is a second FOLL_PIN on a page charged once.
 *
 * <p>Failure guarantee: a pin call is all or nothing; on any error the pages of this call are
 * released again, repeated pins included.
 *
 * <p>Deliberate difference from 6.12: the kernel keys a {@code vfio_pfn} by the caller's IOVA
 * as given, so a page pinned at an IOVA that is not page aligned gets a separate entry, pin and
 * charge that later page-aligned lookups (replay, unpin of a run) never see. The model refuses
 * such pins with EINVAL instead of reproducing that double accounting; an unpin at an unaligned
 * IOVA finds nothing, as in the kernel.
 */
final class ExternalPinner {
  private static final long PAGE_SIZE = VfioIommu.PAGE_SIZE;

  private final VfioIommu iommu;
  private final PagePinner pinner;

  ExternalPinner(VfioIommu iommu, PagePinner pinner) {
    this.iommu = requireNonNull(iommu, "iommu is null");
    this.pinner = requireNonNull(pinner, "pinner is null");
  }

  /**
   * {@code vfio_iommu_type1_pin_pages}: pins {@code npage} pages from {@code userIova}, each
   * once per IOVA however often it is pinned (a repeat takes a reference).
   *
   * @throws KernelException EACCES (v1), EBUSY (vaddr invalidated), EINVAL (unmapped IOVA, MMIO
   *     frame), EPERM (prot beyond the mapping), ENOMEM (limit), EFAULT; nothing stays pinned
   */
  PinnedPages pinPages(long userIova, int npage, Prot prot) {
    if (!iommu.v2()) {
      throw KernelException.of(Errno.EACCES,
          "vfio_iommu_type1_pin_pages: only VFIO_TYPE1v2_IOMMU containers support pinning");
    }
    if (iommu.vaddrInvalidCount() > 0) {
      iommu.host().log().warn("vfio_iommu_type1_pin_pages",
          "vfio_pin_pages not allowed with VFIO_UPDATE_VADDR");
      throw KernelException.of(Errno.EBUSY, "vfio_iommu_type1_pin_pages: %d dmas have an"
          + " invalidated vaddr", iommu.vaddrInvalidCount());
    }
    if (iommu.devices().isEmpty()) {
      throw KernelException.of(Errno.EINVAL,
          "vfio_iommu_type1_pin_pages: no device with a dma_unmap callback is registered");
    }
    if (!U64.isAligned(userIova, PAGE_SIZE)) {
      throw KernelException.of(Errno.EINVAL, "vfio_iommu_type1_pin_pages: iova %s is not page"
          + " aligned (not modelled, see ExternalPinner)", U64.hex(userIova));
    }
    boolean doAccounting = !iommu.hasDomains();
    PinnedRangesBuilder pages = new PinnedRangesBuilder();
    int i = 0;
    try {
      for (; i < npage; i++) {
        pages.add(pinOne(userIova + i * PAGE_SIZE, prot, doAccounting));
      }
    } catch (KernelException e) {
      for (int j = 0; j < i; j++) {
        long iova = userIova + j * PAGE_SIZE;
        unpinPageExternal(iommu.dmas().findContaining(iova), iova, doAccounting);
      }
      throw e;
    }
    return pages.build();
  }

  /** One page of {@link #pinPages}; on failure nothing of this page is held. */
  private long pinOne(long iova, Prot prot, boolean doAccounting) {
    VfioDma dma = iommu.dmas().findContaining(iova);
    if (dma == null) {
      throw KernelException.of(Errno.EINVAL,
          "vfio_iommu_type1_pin_pages: iova %s is not mapped", U64.hex(iova));
    }
    if (!dma.prot().allows(prot)) {
      throw KernelException.of(Errno.EPERM, "vfio_iommu_type1_pin_pages: prot %s at iova %s"
          + " exceeds the mapping's %s", prot, U64.hex(iova), dma.prot());
    }
    long index = dma.pageIndex(iova);
    long pinned = dma.pfns().pfnAt(index);
    if (pinned >= 0) {
      dma.pfns().ref(index);
      return pinned;
    }
    PfnRun run = pinner.pinPageExternal(dma, dma.vaddrOf(index), doAccounting);
    if (run.reserved()) {
      throw KernelException.of(Errno.EINVAL, "vfio_iommu_type1_pin_pages: iova %s is backed by"
          + " PFN %s, which is not a valid page (MMIO)", U64.hex(iova), U64.hex(run.pfn()));
    }
    try {
      iommu.host().faults().check(FaultPoint.ALLOC, "vfio_add_to_pfn_list: kzalloc(vfio_pfn)");
    } catch (KernelException e) {
      if (pinner.putPfn(run.pfn()) == 1 && doAccounting) {
        dma.lockAcct(-1);
      }
      throw e;
    }
    dma.pfns().insert(index, run.pfn());
    return run.pfn();
  }

  /**
   * {@code vfio_iommu_type1_unpin_pages}: drops one reference per page, stopping with a warning
   * at the first page no dma covers. A mapped page without a pin is silently ignored, as in the
   * kernel.
   */
  void unpinPages(long userIova, int npage) {
    if (!iommu.v2()) {
      iommu.host().log().warn("vfio_iommu_type1_unpin_pages",
          "unpin on a VFIO_TYPE1_IOMMU (v1) container");
      return;
    }
    boolean doAccounting = !iommu.hasDomains();
    int i = 0;
    for (; i < npage; i++) {
      long iova = userIova + i * PAGE_SIZE;
      VfioDma dma = iommu.dmas().findContaining(iova);
      if (dma == null) {
        break;
      }
      unpinPageExternal(dma, iova, doAccounting);
    }
    if (i != npage) {
      iommu.host().log().warn("vfio_iommu_type1_unpin_pages", "iova " + U64.hex(userIova + i
          * PAGE_SIZE) + " is not mapped: " + (npage - i) + " of " + npage + " pages not unpinned");
    }
  }

  /**
   * {@code vfio_unpin_page_external}: drops a reference on the {@code vfio_pfn} at exactly
   * {@code iova} and, when the last one goes, the page's pin and (if {@code doAccounting}) its
   * charge.
   */
  private void unpinPageExternal(VfioDma dma, long iova, boolean doAccounting) {
    if (!U64.isAligned(iova, PAGE_SIZE)) {
      return;
    }
    long index = dma.pageIndex(iova);
    long pfn = dma.pfns().pfnAt(index);
    if (pfn < 0 || !dma.pfns().unref(index)) {
      return;
    }
    int unlocked = pinner.putPfn(pfn);
    if (doAccounting) {
      dma.lockAcct(-unlocked);
    }
  }

  /**
   * {@code vfio_iommu_type1_dma_rw}: copies through the mapping owner's address space, dma by
   * dma, without pinning or accounting. The model's drivers call it like a kernel thread would
   * ({@code kthread_use_mm} of the dma's mm), so the caller's own mm never matters.
   *
   * @throws KernelException EBUSY (vaddr invalidated), EINVAL (unmapped IOVA), EPERM (a write to
   *     a read-only mapping, or any access to a mapping without READ), EFAULT (the user memory
   *     is gone or read-only)
   */
  void dmaRw(long iova, long length, boolean write) {
    if (iommu.vaddrInvalidCount() > 0) {
      iommu.host().log().warn("vfio_iommu_type1_dma_rw",
          "vfio_dma_rw not allowed with VFIO_UPDATE_VADDR");
      throw KernelException.of(Errno.EBUSY, "vfio_iommu_type1_dma_rw: %d dmas have an"
          + " invalidated vaddr", iommu.vaddrInvalidCount());
    }
    long cursor = iova;
    long remaining = length;
    while (remaining != 0) {
      VfioDma dma = iommu.dmas().findContaining(cursor);
      if (dma == null) {
        throw KernelException.of(Errno.EINVAL,
            "vfio_iommu_type1_dma_rw_chunk: iova %s is not mapped", U64.hex(cursor));
      }
      if ((write && !dma.prot().write()) || !dma.prot().read()) {
        throw KernelException.of(Errno.EPERM, "vfio_iommu_type1_dma_rw_chunk: %s of %s mapped %s",
            write ? "write" : "read", dma, dma.prot());
      }
      long offset = cursor - dma.iova();
      long count = U64.min(remaining, dma.size() - offset);
      long vaddr = dma.vaddr() + offset;
      if (!dma.mm().isMapped(vaddr, count) || (write && hitsReadOnly(dma, vaddr, count))) {
        throw KernelException.of(Errno.EFAULT, "vfio_iommu_type1_dma_rw_chunk: copy %s user"
            + " memory [%s, +%s) of pid %d failed", write ? "to" : "from", U64.hex(vaddr),
            U64.hex(count), dma.task().pid());
      }
      cursor += count;
      remaining -= count;
    }
  }

  /** True if a read-only region of the dma's owner overlaps {@code [vaddr, vaddr + count)}. */
  private boolean hitsReadOnly(VfioDma dma, long vaddr, long count) {
    long last = vaddr + count - 1;
    for (RegionSpec region : iommu.host().config().regions()) {
      if (region.pid() == dma.task().pid() && region.readOnly()
          && U64.lessOrEqual(region.vaddr(), last)
          && U64.lessOrEqual(vaddr, region.vaddr() + region.size() - 1)) {
        return true;
      }
    }
    return false;
  }

  /** Collects pinned PFNs in order, merging physically consecutive ones into ranges. */
  private static final class PinnedRangesBuilder {
    private final List<PinnedPages.PfnRange> ranges = new ArrayList<>();
    private long start = -1;
    private long count;

    void add(long pfn) {
      if (count > 0 && pfn == start + count) {
        count++;
        return;
      }
      flush();
      start = pfn;
      count = 1;
    }

    PinnedPages build() {
      flush();
      return new PinnedPages(ranges);
    }

    private void flush() {
      if (count > 0) {
        ranges.add(new PinnedPages.PfnRange(start, count));
      }
    }
  }
}
