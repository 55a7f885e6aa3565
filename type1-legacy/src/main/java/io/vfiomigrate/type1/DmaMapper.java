package io.vfiomigrate.type1;

import static java.util.Objects.requireNonNull;

import io.vfiomigrate.api.DmaMapRequest;
import io.vfiomigrate.api.Errno;
import io.vfiomigrate.api.KernelException;
import io.vfiomigrate.api.Prot;
import io.vfiomigrate.api.U64;
import io.vfiomigrate.host.FaultPoint;
import io.vfiomigrate.host.PfnRun;
import io.vfiomigrate.host.Task;
import java.util.List;

/**
 * VFIO_IOMMU_MAP_DMA: {@code vfio_iommu_type1_map_dma}, {@code vfio_dma_do_map}, {@code
 * vfio_pin_map_dma}, {@code vfio_iommu_map} and, for VFIO_DMA_MAP_FLAG_VADDR, {@code
 * vfio_change_dma_owner}.
 *
 * <p>Failure guarantee: a failed map leaves no residue. The dma is linked with size 0 and grows
 * run by run; on any error {@code vfio_remove_dma} unmaps, unpins and uncharges the runs done so
 * far and returns the {@code dma_avail} entry.
 */
final class DmaMapper {
  private static final int FLAGS = DmaMapRequest.FLAG_READ | DmaMapRequest.FLAG_WRITE
      | DmaMapRequest.FLAG_VADDR;

  private final VfioIommu iommu;
  private final PagePinner pinner;
  private final DmaTeardown teardown;

  DmaMapper(VfioIommu iommu, PagePinner pinner, DmaTeardown teardown) {
    this.iommu = requireNonNull(iommu, "iommu is null");
    this.pinner = requireNonNull(pinner, "pinner is null");
    this.teardown = requireNonNull(teardown, "teardown is null");
  }

  /**
   * Maps {@code [iova, iova + size)} to {@code current}'s memory from {@code vaddr}, with the
   * checks of {@code vfio_dma_do_map} in the kernel's order.
   *
   * @throws KernelException EINVAL, EEXIST, ENOSPC, ENOENT, ENOMEM, EFAULT as the kernel
   */
  void map(Task current, DmaMapRequest request) {
    if (Integer.compareUnsigned(request.argsz(), DmaMapRequest.MIN_ARGSZ) < 0
        || (request.flags() & ~FLAGS) != 0) {
      throw KernelException.of(Errno.EINVAL, "vfio_iommu_type1_map_dma: argsz %d flags %#x",
          Integer.toUnsignedLong(request.argsz()), request.flags());
    }
    long iova = request.iova();
    long vaddr = request.vaddr();
    long size = request.size();
    Prot prot = new Prot(request.read(), request.write());
    boolean setVaddr = request.vaddrFlag();
    if (prot.equals(Prot.NONE) != setVaddr) {
      throw KernelException.of(Errno.EINVAL, "vfio_dma_do_map: flags %#x must give either"
          + " READ/WRITE or VADDR", request.flags());
    }
    long pgsize = iommu.pgsize();
    iommu.warnIfGranuleAbovePageSize("vfio_dma_do_map");
    if (size == 0 || !U64.isAligned(size | iova | vaddr, pgsize)) {
      throw KernelException.of(Errno.EINVAL, "vfio_dma_do_map: iova %s vaddr %s size %s not a"
          + " non-empty multiple of the IOMMU page size %#x", U64.hex(iova), U64.hex(vaddr),
          U64.hex(size), pgsize);
    }
    if (U64.addOverflows(iova, size - 1) || U64.addOverflows(vaddr, size - 1)) {
      throw KernelException.of(Errno.EINVAL, "vfio_dma_do_map: iova %s or vaddr %s + size %s"
          + " wraps", U64.hex(iova), U64.hex(vaddr), U64.hex(size));
    }
    long last = iova + size - 1;
    VfioDma dma = iommu.dmas().findOverlap(iova, last);
    if (setVaddr) {
      revalidateVaddr(current, dma, iova, size, vaddr);
      return;
    }
    if (dma != null) {
      throw KernelException.of(Errno.EEXIST, "vfio_dma_do_map: [%s, %s] overlaps %s",
          U64.hex(iova), U64.hex(last), dma);
    }
    if (iommu.dmaAvail() == 0) {
      throw KernelException.of(Errno.ENOSPC, "vfio_dma_do_map: all %d dma entries are in use",
          iommu.dmaEntryLimit());
    }
    if (!iommu.iovaList().dmaValid(iova, last)) {
      throw KernelException.of(Errno.EINVAL, "vfio_dma_do_map: [%s, %s] is not inside one"
          + " valid IOVA range of %s", U64.hex(iova), U64.hex(last), iommu.iovaList());
    }
    iommu.host().faults().check(FaultPoint.ALLOC, "vfio_dma_do_map: kzalloc(vfio_dma)");
    iommu.takeDmaEntry();
    dma = new VfioDma(iova, vaddr, prot, current);
    iommu.dmas().link(dma);
    if (!iommu.hasDomains()) {
      // No IOMMU-capable domain: nothing to pin until one arrives (vfio_iommu_replay).
      dma.setSize(size);
      return;
    }
    pinMapDma(current, dma, size);
  }

  /**
   * {@code vfio_pin_map_dma}: pins and maps run by run, growing the dma as it goes.
   *
   * @throws KernelException after removing the dma, if any run fails
   */
  private void pinMapDma(Task current, VfioDma dma, long size) {
    try {
      while (U64.lessThan(dma.size(), size)) {
        long index = dma.npages();
        PfnRun run = pinner.pinPagesRemote(dma, dma.vaddrOf(index),
            (size - dma.size()) >>> VfioDma.PAGE_SHIFT, current);
        long runIova = dma.iova() + dma.size();
        try {
          iommuMap(runIova, run, dma.prot());
        } catch (KernelException e) {
          pinner.unpinPagesRemote(dma, index, run.pfn(), run.npages(), run.reserved(), true);
          throw e;
        }
        dma.runs().append(run.npages(), run.pfn(), run.reserved());
        dma.setSize(dma.size() + run.npages() * VfioIommu.PAGE_SIZE);
      }
      dma.setIommuMapped(true);
    } catch (KernelException e) {
      dma.setIommuMapped(true);
      teardown.removeDma(dma);
      throw e;
    }
  }

  /**
   * {@code vfio_iommu_map}: maps one run into every domain; on a failure the domains already
   * done are unmapped again.
   */
  private void iommuMap(long iova, PfnRun run, Prot prot) {
    List<VfioDomain> domains = iommu.domains();
    long length = run.npages() * VfioIommu.PAGE_SIZE;
    for (int i = 0; i < domains.size(); i++) {
      try {
        domains.get(i).domain().map(iova, run.pfn() * VfioIommu.PAGE_SIZE, length, prot);
      } catch (KernelException e) {
        for (int j = i - 1; j >= 0; j--) {
          domains.get(j).domain().unmap(iova, length);
        }
        throw e;
      }
    }
  }

  /** The VFIO_DMA_MAP_FLAG_VADDR half of {@code vfio_dma_do_map}. */
  private void revalidateVaddr(Task current, VfioDma dma, long iova, long size, long vaddr) {
    if (dma == null) {
      throw KernelException.of(Errno.ENOENT, "vfio_dma_do_map: VADDR for [%s, +%s) which is not"
          + " mapped", U64.hex(iova), U64.hex(size));
    }
    if (!dma.vaddrInvalid() || dma.iova() != iova || dma.size() != size) {
      throw KernelException.of(Errno.EINVAL, "vfio_dma_do_map: VADDR for [%s, +%s) but %s is %s",
          U64.hex(iova), U64.hex(size), dma,
          dma.vaddrInvalid() ? "a different range" : "not invalidated");
    }
    changeDmaOwner(current, dma);
    dma.setVaddr(vaddr);
    iommu.setVaddrInvalid(dma, false);
  }

  /**
   * {@code vfio_change_dma_owner}: a new process takes the dma over. Its charge moves: the new
   * mm is charged first (checked against the new owner's limit unless it has CAP_IPC_LOCK),
   * then the old one uncharged. Nothing happens when the mm is the same.
   *
   * @throws KernelException ENOMEM if the new owner cannot take the charge; nothing changes
   */
  private void changeDmaOwner(Task current, VfioDma dma) {
    if (current.mm() == dma.mm()) {
      return;
    }
    long npage = dma.lockedVm();
    current.mm().accountLockedVm(npage, npage > 0, current, current.capIpcLock());
    dma.mm().accountLockedVm(npage, false, dma.task(), dma.lockCap());
    dma.changeOwner(current);
  }
}
