package io.vfiomigrate.api;

/** {@code struct vfio_iommu_type1_dma_unmap}: the argument of VFIO_IOMMU_UNMAP_DMA. */
public record DmaUnmapRequest(int argsz, int flags, long iova, long size) {
  /** sizeof(struct vfio_iommu_type1_dma_unmap) without the dirty-bitmap payload. */
  public static final int STRUCT_SIZE = 24;
  /** offsetofend(struct vfio_iommu_type1_dma_unmap, size): the minimum argsz. */
  public static final int MIN_ARGSZ = 24;
  public static final int FLAG_GET_DIRTY_BITMAP = 1;
  public static final int FLAG_ALL = 1 << 1;
  /** VFIO_DMA_UNMAP_FLAG_VADDR: invalidate the vaddr but keep pins and IOMMU mappings. */
  public static final int FLAG_VADDR = 1 << 2;

  /** Unmaps {@code [iova, iova + size)}. */
  public static DmaUnmapRequest range(long iova, long size) {
    return new DmaUnmapRequest(STRUCT_SIZE, 0, iova, size);
  }

  /** VFIO_DMA_UNMAP_FLAG_ALL with iova and size zero. */
  public static DmaUnmapRequest unmapAll() {
    return new DmaUnmapRequest(STRUCT_SIZE, FLAG_ALL, 0, 0);
  }

  public boolean allFlag() {
    return (flags & FLAG_ALL) != 0;
  }
}
