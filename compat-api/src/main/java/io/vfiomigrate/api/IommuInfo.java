package io.vfiomigrate.api;

import java.util.List;

/**
 * What VFIO_IOMMU_GET_INFO writes back: {@code struct vfio_iommu_type1_info} and the
 * capabilities that fitted into the caller's {@code argsz}. {@code argsz} is the size the
 * kernel asks for when the caller's buffer was too small for every capability.
 */
public record IommuInfo(int argsz, int flags, long iovaPgsizes, int capOffset, List<InfoCap> caps) {
  /** sizeof(struct vfio_iommu_type1_info). */
  public static final int STRUCT_SIZE = 24;
  /** offsetofend(struct vfio_iommu_type1_info, iova_pgsizes): the minimum argsz. */
  public static final int MIN_ARGSZ = 16;
  public static final int FLAG_PGSIZES = 1;
  public static final int FLAG_CAPS = 1 << 1;

  public IommuInfo {
    caps = List.copyOf(caps);
  }

  /** The IOVA ranges of the IOVA_RANGE capability, if it was returned. */
  public List<IovaRange> iovaRanges() {
    for (InfoCap cap : caps) {
      if (cap instanceof InfoCap.IovaRanges ranges) {
        return ranges.ranges();
      }
    }
    return List.of();
  }

  /** The DMA_AVAIL capability's count, or -1 if it was not returned. */
  public long dmaAvail() {
    for (InfoCap cap : caps) {
      if (cap instanceof InfoCap.DmaAvail avail) {
        return avail.avail();
      }
    }
    return -1;
  }
}
