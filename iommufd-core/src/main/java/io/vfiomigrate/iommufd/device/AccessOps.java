package io.vfiomigrate.iommufd.device;

/**
 * {@code struct iommufd_access_ops}: what the driver of an in-kernel access provides.
 */
public interface AccessOps {
  /**
   * {@code needs_pin_pages}: the driver will call {@link IommufdAccess#pinPages}, which needs
   * page-aligned areas, so attaching raises the IOAS alignment to PAGE_SIZE.
   */
  boolean needsPinPages();

  /**
   * {@code unmap}: IOVA in {@code [iova, iova + length)} is going away; a correct driver calls
   * {@link IommufdAccess#unpinPages} for every pin it holds there before returning. Also
   * called with the whole space when the access leaves its IOAS.
   */
  void unmap(IommufdAccess access, long iova, long length);
}
