package io.vfiomigrate.iommufd.iopt;

import io.vfiomigrate.api.Errno;
import io.vfiomigrate.api.IovaRange;
import io.vfiomigrate.api.KernelException;
import io.vfiomigrate.api.PinnedPages;
import io.vfiomigrate.api.U64;
import io.vfiomigrate.host.Task;

/**
 * The io_pagetable half of the in-kernel access API of {@code device.c}: pin, unpin and
 * read/write an IOVA range through the areas that cover it. The access object (attachment,
 * its IOAS, its driver's callback) lives in the device package.
 */
public final class AccessPages {
  /** {@code IOMMUFD_ACCESS_RW_WRITE}. */
  public static final int RW_WRITE = PagesRw.WRITE;
  /** {@code IOMMUFD_ACCESS_RW_KTHREAD}: copy through the source mm, pinning nothing. */
  public static final int RW_KTHREAD = PagesRw.KTHREAD;
  /** {@code __IOMMUFD_ACCESS_RW_SLOW_PATH} (test kernels): always pin temporarily. */
  public static final int RW_SLOW_PATH = PagesRw.SLOW_PATH;

  private AccessPages() {}

  /**
   * {@code iommufd_access_pin_pages} minus the access: pins {@code [iova, iova + length)} for
   * an access and returns the PFNs. All or nothing.
   *
   * @throws KernelException EINVAL for a zero length, an area being unmapped, or a range that
   *     does not start (or, across areas, end) on page boundaries of the pages; EOVERFLOW if
   *     it wraps; EPERM if an area lacks the permission or the pages are read-only for a
   *     write; ENOENT for a hole; ENOMEM, EFAULT from pinning and charging
   */
  public static PinnedPages pinPages(IoptEnv env, IoPagetable iopt, long iova, long length,
      boolean write) {
    IovaRange range = IovaRange.ofLength(iova, length);
    PfnRunList out = new PfnRunList();
    AreaContigIter iter = AreaContigIter.first(iopt, range.first(), range.last());
    try {
      for (IoptArea area = iter.area(); area != null; area = iter.next()) {
        long last = U64.min(range.last(), area.lastIova);
        if (area.preventAccess || !isAligned(iter, area)) {
          throw KernelException.of(Errno.EINVAL,
              "iommufd_access_pin_pages: %s is unaligned or being unmapped", area);
        }
        if (!hasProt(area, write)) {
          throw KernelException.of(Errno.EPERM, "iommufd_access_pin_pages: %s is %s", area,
              area.prot);
        }
        XarrayFill.addAccess(env, area, area.iovaToIndex(iter.curIova()),
            area.iovaToIndex(last), write, out);
      }
      if (!iter.done()) {
        throw KernelException.of(Errno.ENOENT, "iommufd_access_pin_pages: %s is not mapped",
            range);
      }
    } catch (KernelException e) {
      if (U64.lessThan(range.first(), iter.curIova())) {
        removeAccesses(env, iopt, range.first(), iter.curIova() - 1);
      }
      throw e;
    }
    return out.toPinnedPages();
  }

  /**
   * {@code iommufd_access_unpin_pages} minus the access: releases an earlier pin, which must
   * be of exactly this range.
   *
   * @return false if the range was not exactly pinned (the kernel WARNs); what matched is
   *     released anyway
   */
  public static boolean unpinPages(IoptEnv env, IoPagetable iopt, long iova, long length) {
    if (U64.lastOverflows(iova, length)) {
      return false;
    }
    return removeAccesses(env, iopt, iova, iova + length - 1);
  }

  private static boolean removeAccesses(IoptEnv env, IoPagetable iopt, long iova, long lastIova) {
    boolean exact = true;
    AreaContigIter iter = AreaContigIter.first(iopt, iova, lastIova);
    for (IoptArea area = iter.area(); area != null; area = iter.next()) {
      long last = U64.min(lastIova, area.lastIova);
      exact &= XarrayFill.removeAccess(env, area, area.iovaToIndex(iter.curIova()),
          area.iovaToIndex(last));
    }
    return exact && iter.done();
  }

  /**
   * {@code iommufd_access_rw} minus the access: a CPU read or write of the range. Pins taken
   * on the way are released before returning and nothing is charged. Not atomic, like the
   * kernel's: a failure may follow a partial copy.
   *
   * @param current the calling task, or null for a kernel thread
   * @throws KernelException EINVAL for a zero length or an area being unmapped, EOVERFLOW if
   *     the range wraps, EPERM for a missing permission, ENOENT for a hole, EFAULT and pinning
   *     errors from the copy
   */
  public static void rw(IoptEnv env, IoPagetable iopt, long iova, long length, int flags,
      Task current) {
    IovaRange range = IovaRange.ofLength(iova, length);
    AreaContigIter iter = AreaContigIter.first(iopt, range.first(), range.last());
    for (IoptArea area = iter.area(); area != null; area = iter.next()) {
      long last = U64.min(range.last(), area.lastIova);
      if (area.preventAccess) {
        throw KernelException.of(Errno.EINVAL, "iommufd_access_rw: %s is being unmapped", area);
      }
      if (!hasProt(area, (flags & RW_WRITE) != 0)) {
        throw KernelException.of(Errno.EPERM, "iommufd_access_rw: %s is %s", area, area.prot);
      }
      PagesRw.rwAccess(env, area.pages, area.startByte(iter.curIova()),
          last - iter.curIova() + 1, flags, current);
    }
    if (!iter.done()) {
      throw KernelException.of(Errno.ENOENT, "iommufd_access_rw: %s is not mapped", range);
    }
  }

  /** {@code iopt_area_contig_is_aligned}: page-aligned start, and end unless it is the last. */
  private static boolean isAligned(AreaContigIter iter, IoptArea area) {
    if (area.startByte(iter.curIova()) % IoptEnv.PAGE_SIZE != 0) {
      return false;
    }
    return iter.done()
        || area.startByte(area.lastIova) % IoptEnv.PAGE_SIZE == IoptEnv.PAGE_SIZE - 1;
  }

  /** {@code check_area_prot}. */
  private static boolean hasProt(IoptArea area, boolean write) {
    return write ? area.prot.write() : area.prot.read();
  }
}
