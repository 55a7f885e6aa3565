package io.vfiomigrate.host;

import io.vfiomigrate.api.Errno;

/**
 * The kinds of places where the kernel can fail for reasons outside the caller's control,
 * and the errno each returns when {@link FaultInjector} makes it fail.
 */
public enum FaultPoint {
  /** A memory allocation (kzalloc, xa_store, interval tree nodes, domain allocation). */
  ALLOC(Errno.ENOMEM),
  /** pin_user_pages and friends. */
  PIN(Errno.ENOMEM),
  /** iommu_map into a domain's page table. */
  IOMMU_MAP(Errno.ENOMEM),
  /** An increase of a locked-memory counter (mmap_write_lock_killable, atomic charge). */
  CHARGE(Errno.ENOMEM);

  private final Errno errno;

  FaultPoint(Errno errno) {
    this.errno = errno;
  }

  public Errno errno() {
    return errno;
  }
}
