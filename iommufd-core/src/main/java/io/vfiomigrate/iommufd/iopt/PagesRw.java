package io.vfiomigrate.iommufd.iopt;

import io.vfiomigrate.api.Errno;
import io.vfiomigrate.api.KernelException;
import io.vfiomigrate.api.U64;
import io.vfiomigrate.host.FaultPoint;
import io.vfiomigrate.host.PfnRun;
import io.vfiomigrate.host.Task;

/**
 * {@code iopt_pages_rw_access}: a CPU copy to or from a slice of the pages on behalf of an
 * access. The model moves no data; it reproduces which pages are pinned on the way, and the
 * errors. Running in the source mm (or as a kernel thread) copies through the user mapping
 * without pinning; from another mm one page is pinned temporarily, or the {@link PfnReader}
 * reads every tier and unpins again. Nothing is charged.
 */
final class PagesRw {
  /** {@code IOMMUFD_ACCESS_RW_WRITE}. */
  static final int WRITE = 1;
  /** {@code IOMMUFD_ACCESS_RW_KTHREAD}. */
  static final int KTHREAD = 1 << 1;
  /** {@code __IOMMUFD_ACCESS_RW_SLOW_PATH}: the selftest's way to force the slow path. */
  static final int SLOW_PATH = 1 << 2;

  private PagesRw() {}

  /**
   * @param current the calling task, or null for a kernel thread ({@code current->mm == NULL})
   * @throws KernelException EPERM writing read-only pages; EFAULT for unmapped memory; errors
   *     of pinning on the slow paths
   */
  static void rwAccess(IoptEnv env, IoptPages pages, long startByte, long length, int flags,
      Task current) {
    long startIndex = startByte / IoptEnv.PAGE_SIZE;
    long lastIndex = (startByte + length - 1) / IoptEnv.PAGE_SIZE;
    boolean changeMm = current == null || current.mm() != pages.sourceMm
        || (flags & SLOW_PATH) != 0;
    boolean write = (flags & WRITE) != 0;
    if (write && !pages.writable) {
      throw KernelException.of(Errno.EPERM, "iopt_pages_rw_access: pages %d are read-only",
          pages.id);
    }
    if ((flags & KTHREAD) == 0 && changeMm) {
      if (startIndex == lastIndex) {
        rwPage(env, pages, startIndex, write);
      } else {
        rwSlow(env, pages, startIndex, lastIndex);
      }
      return;
    }
    // copy_to_user/copy_from_user through the source mm, pinning nothing.
    long uaddr = pages.uptr + startByte;
    if (!pages.sourceMm.isMapped(uaddr, length)) {
      throw KernelException.of(Errno.EFAULT, "iopt_pages_rw_access: %s + %s not mapped in pid %d",
          U64.hex(uaddr), U64.hex(length), pages.sourceTask.pid());
    }
  }

  /** {@code iopt_pages_rw_page}: pins the one page for the copy and unpins it. */
  private static void rwPage(IoptEnv env, IoptPages pages, long index, boolean write) {
    env.shouldFail(FaultPoint.PIN, Errno.EINVAL, "iopt_pages_rw_page");
    PfnRun run = env.memory().pinUserPages(pages.sourceMm,
        pages.uptr + index * IoptEnv.PAGE_SIZE, 1, write);
    env.memory().unpinPages(run.pfn(), run.npages());
  }

  /** {@code iopt_pages_rw_slow}: reads every tier through a {@link PfnReader}. */
  private static void rwSlow(IoptEnv env, IoptPages pages, long startIndex, long lastIndex) {
    PfnReader reader = PfnReader.first(env, pages, startIndex, lastIndex);
    try {
      while (!reader.done()) {
        reader.unpin();
        reader.next();
      }
    } finally {
      reader.destroy();
    }
  }
}
