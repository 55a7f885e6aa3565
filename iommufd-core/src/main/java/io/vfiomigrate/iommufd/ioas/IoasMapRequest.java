package io.vfiomigrate.iommufd.ioas;

/**
 * {@code struct iommu_ioas_map}: maps {@code [userVa, userVa + length)} of the caller into an
 * IOAS, at {@code iova} with {@link #FIXED_IOVA}, else wherever the kernel chooses. Flags are
 * raw so that unknown bits can be rejected as the kernel rejects them.
 */
public record IoasMapRequest(int ioasId, int flags, long userVa, long length, long iova) {
  /** {@code IOMMU_IOAS_MAP_FIXED_IOVA}. */
  public static final int FIXED_IOVA = 1;
  /** {@code IOMMU_IOAS_MAP_WRITEABLE}. */
  public static final int WRITEABLE = 1 << 1;
  /** {@code IOMMU_IOAS_MAP_READABLE}. */
  public static final int READABLE = 1 << 2;

  /** A readable and writeable map at a fixed IOVA. */
  public static IoasMapRequest fixed(int ioasId, long userVa, long length, long iova) {
    return new IoasMapRequest(ioasId, FIXED_IOVA | WRITEABLE | READABLE, userVa, length, iova);
  }

  /** A readable and writeable map at an IOVA the kernel allocates. */
  public static IoasMapRequest anywhere(int ioasId, long userVa, long length) {
    return new IoasMapRequest(ioasId, WRITEABLE | READABLE, userVa, length, 0);
  }
}
