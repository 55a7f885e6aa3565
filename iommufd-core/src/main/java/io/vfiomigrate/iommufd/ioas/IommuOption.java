package io.vfiomigrate.iommufd.ioas;

/**
 * {@code struct iommu_option}: get or set {@code optionId} of the context
 * ({@link #RLIMIT_MODE}, {@code objectId} 0) or of an IOAS ({@link #HUGE_PAGES}). Raw values
 * as in the uapi, so unknown ones can be rejected.
 */
public record IommuOption(int optionId, int op, int objectId, long value) {
  /** {@code IOMMU_OPTION_RLIMIT_MODE}: 0 per-user accounting, 1 per-process (as VFIO). */
  public static final int RLIMIT_MODE = 0;
  /** {@code IOMMU_OPTION_HUGE_PAGES}: 1 allows large IOMMU pages, 0 maps page by page. */
  public static final int HUGE_PAGES = 1;
  /** {@code IOMMU_OPTION_OP_SET}. */
  public static final int OP_SET = 0;
  /** {@code IOMMU_OPTION_OP_GET}. */
  public static final int OP_GET = 1;

  public static IommuOption set(int optionId, int objectId, long value) {
    return new IommuOption(optionId, OP_SET, objectId, value);
  }

  public static IommuOption get(int optionId, int objectId) {
    return new IommuOption(optionId, OP_GET, objectId, 0);
  }
}
