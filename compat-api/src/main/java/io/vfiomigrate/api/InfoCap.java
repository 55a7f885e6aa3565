package io.vfiomigrate.api;

import java.util.List;

/**
 * One capability of the VFIO_IOMMU_GET_INFO chain, with its position in the caller's buffer.
 * {@code offset} is where the capability header starts and {@code next} the offset of the
 * next one (0 at the end), exactly as in {@code struct vfio_info_cap_header}.
 */
public sealed interface InfoCap {
  /** Size of {@code struct vfio_info_cap_header}: id (u16), version (u16), next (u32). */
  int HEADER_SIZE = 8;

  int offset();

  int next();

  /** VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE (id 1, version 1). */
  record IovaRanges(int offset, int next, List<IovaRange> ranges) implements InfoCap {
    public static final int ID = 1;

    public IovaRanges {
      ranges = List.copyOf(ranges);
    }

    /** Header, nr_iovas and reserved (u32 each), then 16 bytes per range. */
    public static int size(int count) {
      return HEADER_SIZE + 8 + 16 * count;
    }
  }

  /** VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION (id 2, version 1). */
  record Migration(int offset, int next, long pgsizeBitmap, long maxDirtyBitmapSize)
      implements InfoCap {
    public static final int ID = 2;
    /** Header, flags (u32), padding, pgsize_bitmap and max_dirty_bitmap_size (u64 each). */
    public static final int SIZE = HEADER_SIZE + 8 + 16;
  }

  /** VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL (id 3, version 1). */
  record DmaAvail(int offset, int next, long avail) implements InfoCap {
    public static final int ID = 3;
    /** Header and avail (u32). */
    public static final int SIZE = HEADER_SIZE + 4;
  }
}
