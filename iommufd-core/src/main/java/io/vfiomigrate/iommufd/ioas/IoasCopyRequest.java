package io.vfiomigrate.iommufd.ioas;

/**
 * {@code struct iommu_ioas_copy}: maps the pages behind {@code [srcIova, srcIova + length)}
 * of one IOAS into another (or the same) at {@code dstIova}, sharing their pins. Flags as in
 * {@link IoasMapRequest}.
 */
public record IoasCopyRequest(
    int dstIoasId, int srcIoasId, int flags, long srcIova, long dstIova, long length) {
  /** A readable and writeable copy to a fixed IOVA. */
  public static IoasCopyRequest fixed(
      int dstIoasId, int srcIoasId, long srcIova, long dstIova, long length) {
    return new IoasCopyRequest(dstIoasId, srcIoasId,
        IoasMapRequest.FIXED_IOVA | IoasMapRequest.WRITEABLE | IoasMapRequest.READABLE,
        srcIova, dstIova, length);
  }
}
