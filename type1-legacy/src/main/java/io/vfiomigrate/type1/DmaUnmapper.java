package io.vfiomigrate.type1;

import static java.util.Objects.requireNonNull;

import io.vfiomigrate.api.DmaUnmapRequest;
import io.vfiomigrate.api.Errno;
import io.vfiomigrate.api.KernelBug;
import io.vfiomigrate.api.KernelException;
import io.vfiomigrate.api.U64;
import java.util.List;

/**
 * VFIO_IOMMU_UNMAP_DMA: {@code vfio_iommu_type1_unmap_dma}, {@code vfio_dma_do_unmap} and
 * {@code vfio_notify_dma_unmap}.
 *
 * <p>Failure guarantee: argument errors and the v2 bisection check come before anything is
 * removed; a VADDR invalidation that meets an already invalid dma rolls its marks back. The one
 * exception is the kernel's {@code BUG_ON}: when a driver keeps its pins through eleven dma_unmap
 * notifications of the same dma, the operation stops with a {@link KernelBug}; dmas removed
 * before it stay removed, the stuck dma and its pins stay as they are, and the container still
 * closes (leaking that dma's external pins with a warning, as the kernel would).
 */
final class DmaUnmapper {
  /** The kernel's {@code BUG_ON(++retries > 10)}. */
  static final int MAX_RETRIES = 10;
  private static final int FLAGS = DmaUnmapRequest.FLAG_GET_DIRTY_BITMAP
      | DmaUnmapRequest.FLAG_ALL | DmaUnmapRequest.FLAG_VADDR;
  /** sizeof(struct vfio_bitmap) that must follow the request for GET_DIRTY_BITMAP. */
  private static final int BITMAP_ARGSZ = 24;

  private final VfioIommu iommu;
  private final DmaTeardown teardown;

  DmaUnmapper(VfioIommu iommu, DmaTeardown teardown) {
    this.iommu = requireNonNull(iommu, "iommu is null");
    this.teardown = requireNonNull(teardown, "teardown is null");
  }

  /**
   * @return the bytes unmapped (or invalidated): the sum of the whole dmas removed
   * @throws KernelException EINVAL or EBUSY as the kernel; nothing changed then
   * @throws KernelBug where the kernel hits {@code BUG_ON}
   */
  long unmap(DmaUnmapRequest request) {
    int flags = request.flags();
    if (Integer.compareUnsigned(request.argsz(), DmaUnmapRequest.MIN_ARGSZ) < 0
        || (flags & ~FLAGS) != 0) {
      throw KernelException.of(Errno.EINVAL, "vfio_iommu_type1_unmap_dma: argsz %d flags %#x",
          Integer.toUnsignedLong(request.argsz()), flags);
    }
    boolean dirty = (flags & DmaUnmapRequest.FLAG_GET_DIRTY_BITMAP) != 0;
    boolean all = request.allFlag();
    boolean invalidateVaddr = (flags & DmaUnmapRequest.FLAG_VADDR) != 0;
    if (dirty && (all || invalidateVaddr)) {
      throw KernelException.of(Errno.EINVAL,
          "vfio_iommu_type1_unmap_dma: GET_DIRTY_BITMAP cannot be combined with ALL or VADDR");
    }
    if (dirty) {
      // Whatever the bitmap says, vfio_dma_do_unmap refuses it: tracking was never started
      // (the contract has no VFIO_IOMMU_DIRTY_PAGES).
      throw KernelException.of(Errno.EINVAL, "vfio_iommu_type1_unmap_dma: GET_DIRTY_BITMAP with"
          + " argsz %d (needs %d) while dirty page tracking is off",
          Integer.toUnsignedLong(request.argsz()), DmaUnmapRequest.MIN_ARGSZ + BITMAP_ARGSZ);
    }
    return doUnmap(request.iova(), request.size(), all, invalidateVaddr);
  }

  /** {@code vfio_dma_do_unmap}. */
  private long doUnmap(long iova, long requestedSize, boolean all, boolean invalidateVaddr) {
    if (invalidateVaddr && !iommu.emulatedGroups().isEmpty()) {
      throw KernelException.of(Errno.EBUSY,
          "vfio_dma_do_unmap: cannot invalidate vaddrs while emulated (mdev) groups are attached");
    }
    long pgsize = iommu.pgsize();
    if (!U64.isAligned(iova, pgsize)) {
      throw KernelException.of(Errno.EINVAL, "vfio_dma_do_unmap: iova %s not aligned to %#x",
          U64.hex(iova), pgsize);
    }
    long size = requestedSize;
    if (all) {
      if (iova != 0 || size != 0) {
        throw KernelException.of(Errno.EINVAL, "vfio_dma_do_unmap: ALL with iova %s size %s",
            U64.hex(iova), U64.hex(size));
      }
      size = U64.MAX;
    } else if (size == 0 || !U64.isAligned(size, pgsize) || U64.addOverflows(iova, size - 1)) {
      throw KernelException.of(Errno.EINVAL, "vfio_dma_do_unmap: size %s at iova %s is zero,"
          + " not aligned to %#x, or wraps", U64.hex(size), U64.hex(iova), pgsize);
    }
    iommu.warnIfGranuleAbovePageSize("vfio_dma_do_unmap");
    long last = iova + size - 1;
    long unmapped = 0;
    boolean rescan = false;
    VfioDma dmaLast = null;
    int retries = 0;
    again:
    while (true) {
      if (iommu.v2() && !all) {
        VfioDma bisected = bisected(iova, last);
        if (bisected != null) {
          if (!rescan) {
            throw KernelException.of(Errno.EINVAL, "vfio_dma_do_unmap: [%s, %s] bisects %s",
                U64.hex(iova), U64.hex(last), bisected);
          }
          // A callback changed the mappings under us: the kernel has already set ret = 0
          // and reports what it unmapped so far.
          return unmapped;
        }
      }
      VfioDma first = iommu.dmas().findFirst(iova, last);
      VfioDma dma = first;
      while (dma != null && U64.lessOrEqual(dma.iova(), last)) {
        if (!iommu.v2() && U64.greaterThan(iova, dma.iova())) {
          break;
        }
        if (invalidateVaddr) {
          if (dma.vaddrInvalid()) {
            for (VfioDma marked = first; marked != dma; marked = iommu.dmas().next(marked)) {
              iommu.setVaddrInvalid(marked, false);
            }
            throw KernelException.of(Errno.EINVAL,
                "vfio_dma_do_unmap: vaddr of %s is already invalid", dma);
          }
          iommu.setVaddrInvalid(dma, true);
          unmapped += dma.size();
          dma = iommu.dmas().next(dma);
          continue;
        }
        if (!dma.pfns().isEmpty()) {
          if (dma == dmaLast) {
            if (++retries > MAX_RETRIES) {
              throw new KernelBug("vfio_dma_do_unmap", dma + " still holds " + dma.pfns().size()
                  + " externally pinned pages after " + (MAX_RETRIES + 1)
                  + " dma_unmap notifications (BUG_ON(++retries > 10))");
            }
          } else {
            dmaLast = dma;
            retries = 0;
          }
          notifyDmaUnmap(dma);
          rescan = true;
          continue again;
        }
        unmapped += dma.size();
        VfioDma next = iommu.dmas().next(dma);
        teardown.removeDma(dma);
        dma = next;
      }
      return unmapped;
    }
  }

  /** The v2 rule: a dma that the range starts or ends inside of. */
  private VfioDma bisected(long iova, long last) {
    VfioDma head = iommu.dmas().findContaining(iova);
    if (head != null && head.iova() != iova) {
      return head;
    }
    VfioDma tail = iommu.dmas().findContaining(last);
    return tail != null && tail.last() != last ? tail : null;
  }

  /**
   * {@code vfio_notify_dma_unmap}: asks every registered emulated device to drop its pins in
   * the whole dma's range (not just the request's). Drivers call back into the pin API.
   */
  private void notifyDmaUnmap(VfioDma dma) {
    List<EmulatedDevice> devices = List.copyOf(iommu.devices());
    for (EmulatedDevice device : devices) {
      device.driver().dmaUnmap(device, dma.iova(), dma.size());
    }
  }
}
