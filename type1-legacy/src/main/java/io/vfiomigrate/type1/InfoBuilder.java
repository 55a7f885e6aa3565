package io.vfiomigrate.type1;

import static java.util.Objects.requireNonNull;

import io.vfiomigrate.api.Errno;
import io.vfiomigrate.api.InfoCap;
import io.vfiomigrate.api.IommuInfo;
import io.vfiomigrate.api.KernelException;
import io.vfiomigrate.api.U64;
import io.vfiomigrate.host.FaultInjector;
import io.vfiomigrate.host.FaultPoint;
import java.util.ArrayList;
import java.util.List;

/**
 * VFIO_IOMMU_GET_INFO: {@code vfio_iommu_type1_get_info} and the capability chain that {@code
 * vfio_info_cap_add} lays out and {@code vfio_info_cap_shift} moves behind the fixed struct.
 *
 * <p>Chain order: MIGRATION, DMA_AVAIL, then IOVA_RANGE when {@code iova_list} is not empty.
 * Each capability is padded to 8 bytes; the first starts at {@code sizeof(info)} = 24 and each
 * {@code next} is the offset of the following one (0 for the last). When the caller's {@code
 * argsz} cannot hold the chain, no capability is returned, {@code cap_offset} stays 0 and {@code
 * argsz} comes back raised to the size needed; {@code flags} has CAPS either way.
 */
final class InfoBuilder {
  /** DIRTY_BITMAP_SIZE_MAX: the bitmap of INT_MAX pages, in bytes. */
  static final long MAX_DIRTY_BITMAP_SIZE = 1L << 28;

  private final VfioIommu iommu;

  InfoBuilder(VfioIommu iommu) {
    this.iommu = requireNonNull(iommu, "iommu is null");
  }

  /**
   * @throws KernelException EINVAL if {@code argsz} is below {@link IommuInfo#MIN_ARGSZ};
   *     ENOMEM (injected) while building the chain
   */
  IommuInfo getInfo(int argsz) {
    if (Integer.compareUnsigned(argsz, IommuInfo.MIN_ARGSZ) < 0) {
      throw KernelException.of(Errno.EINVAL, "vfio_iommu_type1_get_info: argsz %d is below %d",
          Integer.toUnsignedLong(argsz), IommuInfo.MIN_ARGSZ);
    }
    FaultInjector faults = iommu.host().faults();
    int migrationSize = align(InfoCap.Migration.SIZE);
    faults.check(FaultPoint.ALLOC, "vfio_info_cap_add: MIGRATION");
    int availSize = align(InfoCap.DmaAvail.SIZE);
    faults.check(FaultPoint.ALLOC, "vfio_info_cap_add: DMA_AVAIL");
    int rangesSize = 0;
    if (!iommu.iovaList().isEmpty()) {
      faults.check(FaultPoint.ALLOC, "vfio_iommu_iova_build_caps: kzalloc(cap_iovas)");
      rangesSize = align(InfoCap.IovaRanges.size(iommu.iovaList().ranges().size()));
      faults.check(FaultPoint.ALLOC, "vfio_info_cap_add: IOVA_RANGE");
    }
    int capsSize = migrationSize + availSize + rangesSize;
    int flags = IommuInfo.FLAG_PGSIZES | IommuInfo.FLAG_CAPS;
    long pgsizes = iommu.pgsizeBitmap();
    int needed = IommuInfo.STRUCT_SIZE + capsSize;
    if (Integer.compareUnsigned(argsz, needed) < 0) {
      return new IommuInfo(needed, flags, pgsizes, 0, List.of());
    }
    List<InfoCap> caps = new ArrayList<>();
    int offset = IommuInfo.STRUCT_SIZE;
    int next = offset + migrationSize;
    caps.add(new InfoCap.Migration(offset, next, iommu.pgsize(), MAX_DIRTY_BITMAP_SIZE));
    offset = next;
    next = rangesSize == 0 ? 0 : offset + availSize;
    caps.add(new InfoCap.DmaAvail(offset, next, Integer.toUnsignedLong(iommu.dmaAvail())));
    if (rangesSize != 0) {
      caps.add(new InfoCap.IovaRanges(next, 0, iommu.iovaList().ranges()));
    }
    return new IommuInfo(argsz, flags, pgsizes, IommuInfo.STRUCT_SIZE, caps);
  }

  /** {@code ALIGN(size, sizeof(u64))}: where {@code vfio_info_cap_add} puts the next cap. */
  private static int align(int size) {
    return (int) U64.alignUp(size, 8);
  }
}
