package io.vfiomigrate.api;

/**
 * {@code struct vfio_iommu_type1_dma_map}: the argument of VFIO_IOMMU_MAP_DMA, with the raw
 * {@code argsz} and {@code flags} so that backends can reject what the kernel rejects.
 */
public record DmaMapRequest(int argsz, int flags, long vaddr, long iova, long size) {
  /** sizeof(struct vfio_iommu_type1_dma_map). */
  public static final int STRUCT_SIZE = 32;
  /** offsetofend(struct vfio_iommu_type1_dma_map, size): the minimum argsz. */
  public static final int MIN_ARGSZ = 32;
  public static final int FLAG_READ = 1;
  public static final int FLAG_WRITE = 1 << 1;
  /** VFIO_DMA_MAP_FLAG_VADDR: re-validate the vaddr of an invalidated mapping. */
  public static final int FLAG_VADDR = 1 << 2;

  /** A plain map with the given permissions. */
  public static DmaMapRequest of(long vaddr, long iova, long size, boolean read, boolean write) {
    int flags = (read ? FLAG_READ : 0) | (write ? FLAG_WRITE : 0);
    return new DmaMapRequest(STRUCT_SIZE, flags, vaddr, iova, size);
  }

  public boolean read() {
    return (flags & FLAG_READ) != 0;
  }

  public boolean write() {
    return (flags & FLAG_WRITE) != 0;
  }

  public boolean vaddrFlag() {
    return (flags & FLAG_VADDR) != 0;
  }
}
