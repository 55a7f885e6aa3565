package io.vfiomigrate.api;

/** What stands behind a VFIO group. */
public enum GroupKind {
  /** A physical device behind an IOMMU: DMA goes through IOMMU domains. */
  IOMMU,
  /**
   * An emulated (mdev) device, one per group: no IOMMU; its driver pins pages through the
   * container and is told to drop them by its dma_unmap callback.
   */
  EMULATED
}
