package io.vfiomigrate.api;

/** The argument of VFIO_SET_IOMMU (uapi {@code VFIO_TYPE1_IOMMU}, {@code VFIO_TYPE1v2_IOMMU}). */
public enum IommuType {
  /** Version 1: unmaps may start inside a mapping; no mdev pinning. */
  TYPE1(1),
  /** Version 2: no bisecting unmaps; the only type that mdev drivers can pin through. */
  TYPE1V2(3);

  private final int value;

  IommuType(int value) {
    this.value = value;
  }

  public int value() {
    return value;
  }
}
