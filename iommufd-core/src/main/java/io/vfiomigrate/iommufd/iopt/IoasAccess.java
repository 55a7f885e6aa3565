package io.vfiomigrate.iommufd.iopt;

/**
 * An in-kernel access as its io_pagetable sees it ({@code struct iommufd_access} in
 * {@code iopt->access_list}): it constrains the IOVA alignment and must be told to drop its
 * pins when IOVA it may use is unmapped.
 */
public interface IoasAccess {
  /** PAGE_SIZE for accesses that pin pages, else 1. */
  long iovaAlignment();

  /**
   * {@code iommufd_access_notify_unmap} for this access: calls its driver's unmap callback
   * for {@code [iova, iova + length)}, unless the access is being destroyed.
   */
  void notifyUnmap(long iova, long length);
}
