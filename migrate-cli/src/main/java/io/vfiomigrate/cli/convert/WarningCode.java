package io.vfiomigrate.cli.convert;

/**
 * The stable codes of conversion warnings: what a type1 trace does that native iommufd cannot
 * express as recorded. Each warning names the source event; {@code docs/cli.md} lists them.
 */
public enum WarningCode {
  /**
   * A TYPE1 (v1) unmap that does not cover whole mappings. type1 v1 removes every mapping whose
   * start the range covers, whole, or nothing when the range starts inside a mapping; native
   * IOAS_UNMAP never cuts an area. Converted to an unmap of exactly those whole mappings, or to
   * nothing.
   */
  V1_PARTIAL_UNMAP,
  /**
   * An unmap of a range with no mapping: type1 succeeds with size 0, native IOAS_UNMAP fails ENOENT
   * (QEMU's iommufd backend ignores that ENOENT). Kept as the native op.
   */
  EMPTY_UNMAP,
  /**
   * VFIO_DMA_UNMAP_FLAG_ALL with a non-zero iova or size, which type1 refuses (EINVAL) without
   * unmapping anything; IOAS_UNMAP has no such flag. Dropped.
   */
  UNMAP_ALL_WITH_RANGE,
  /**
   * VFIO_SET_IOMMU with TYPE1 (v1): native iommufd has no v1. Partial unmaps are translated (see
   * V1_PARTIAL_UNMAP) and mdev pins, which type1 v1 refuses (EACCES), succeed.
   */
  V1_CONTAINER,
  /**
   * An event names a group that is not attached to the container (or to any container). Ops on its
   * device or access are kept with object id 0, which no object has, so they fail.
   */
  UNKNOWN_GROUP
}
