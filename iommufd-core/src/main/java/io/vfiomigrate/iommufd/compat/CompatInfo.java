package io.vfiomigrate.iommufd.compat;

import io.vfiomigrate.api.Errno;
import io.vfiomigrate.api.InfoCap;
import io.vfiomigrate.api.IommuInfo;
import io.vfiomigrate.api.IovaRange;
import io.vfiomigrate.api.KernelException;
import io.vfiomigrate.api.U64;
import io.vfiomigrate.host.IommuDomain;
import io.vfiomigrate.iommufd.iopt.IoPagetable;
import io.vfiomigrate.iommufd.iopt.IoptEnv;
import java.util.ArrayList;
import java.util.List;

/**
 * VFIO_IOMMU_GET_INFO on the compat IOAS: {@code iommufd_vfio_iommu_get_info} with
 * {@code iommufd_get_pagesizes}, {@code iommufd_fill_cap_dma_avail} and
 * {@code iommufd_fill_cap_iova}.
 *
 * <p>Unlike type1, iommufd lays the chain out cap by cap into the caller's buffer and writes
 * whatever fits: DMA_AVAIL at 24 (12 bytes, padded to 16), then IOVA_RANGE at 40. A cap is
 * written when all of it fits in {@code argsz}; the previous cap's {@code next} is written when
 * {@code argsz} reaches the start of the following cap (fitting or not). {@code cap_offset} is
 * set only when the whole chain fits, and {@code argsz} always comes back as the size of the
 * whole chain. The IOVA_RANGE cap copies its ranges one by one as they fit before its header;
 * ranges without their header are no capability and are not reported.
 */
final class CompatInfo {
  /** {@code iommufd_fill_cap_dma_avail}: no entry limit, so U32_MAX ("for S390 qemu"). */
  static final long DMA_AVAIL = 0xFFFF_FFFFL;

  private CompatInfo() {}

  /**
   * The info and the caps written into a buffer of {@code argsz} bytes, which
   * {@link #checkArgsz} accepted. Never fails.
   */
  static IommuInfo getInfo(IoPagetable iopt, int argsz) {
    long size = Integer.toUnsignedLong(argsz);
    List<IovaRange> ranges = iopt.iovaRanges();
    int availAt = IommuInfo.STRUCT_SIZE;
    int rangesAt = availAt + (int) U64.alignUp(InfoCap.DmaAvail.SIZE, Long.BYTES);
    int total = rangesAt + (int) U64.alignUp(InfoCap.IovaRanges.size(ranges.size()), Long.BYTES);
    List<InfoCap> caps = new ArrayList<>();
    if (size >= availAt + InfoCap.DmaAvail.SIZE) {
      caps.add(new InfoCap.DmaAvail(availAt, size >= rangesAt ? rangesAt : 0, DMA_AVAIL));
    }
    if (size >= rangesAt + InfoCap.IovaRanges.size(ranges.size())) {
      caps.add(new InfoCap.IovaRanges(rangesAt, 0, ranges));
    }
    int capOffset = size >= total ? IommuInfo.STRUCT_SIZE : 0;
    return new IommuInfo(total, IommuInfo.FLAG_PGSIZES | IommuInfo.FLAG_CAPS, pageSizes(iopt),
        capOffset, caps);
  }

  /** Rejects a buffer without room for {@code iova_pgsizes}, before the IOAS is looked up. */
  static void checkArgsz(int argsz) {
    if (Integer.compareUnsigned(argsz, IommuInfo.MIN_ARGSZ) < 0) {
      throw KernelException.of(Errno.EINVAL, "iommufd_vfio_iommu_get_info: argsz %d is below %d",
          Integer.toUnsignedLong(argsz), IommuInfo.MIN_ARGSZ);
    }
  }

  /**
   * {@code iommufd_get_pagesizes}: the AND of the domains' page sizes (all sizes without a
   * domain), sub-page sizes folded into PAGE_SIZE as {@code vfio_update_pgsize_bitmap} does,
   * and at least the IOVA alignment.
   */
  static long pageSizes(IoPagetable iopt) {
    long bitmap = U64.MAX;
    for (IommuDomain domain : iopt.domains()) {
      bitmap &= domain.pgsizeBitmap();
    }
    if ((bitmap & (IoptEnv.PAGE_SIZE - 1)) != 0) {
      bitmap &= -IoptEnv.PAGE_SIZE;
      bitmap |= IoptEnv.PAGE_SIZE;
    }
    return U64.max(bitmap, iopt.iovaAlignment());
  }
}
