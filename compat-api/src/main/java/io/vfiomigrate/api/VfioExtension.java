package io.vfiomigrate.api;

/** The arguments of VFIO_CHECK_EXTENSION, with their uapi values. */
public enum VfioExtension {
  TYPE1_IOMMU(1),
  SPAPR_TCE_IOMMU(2),
  TYPE1V2_IOMMU(3),
  DMA_CC_IOMMU(4),
  EEH(5),
  TYPE1_NESTING_IOMMU(6),
  SPAPR_TCE_V2_IOMMU(7),
  NOIOMMU_IOMMU(8),
  UNMAP_ALL(9),
  UPDATE_VADDR(10);

  private final int value;

  VfioExtension(int value) {
    this.value = value;
  }

  public int value() {
    return value;
  }
}
