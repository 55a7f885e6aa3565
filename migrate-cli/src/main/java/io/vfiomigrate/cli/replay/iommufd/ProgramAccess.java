package io.vfiomigrate.cli.replay.iommufd;

import io.vfiomigrate.api.Errno;
import io.vfiomigrate.api.KernelException;
import io.vfiomigrate.api.PinnedPages;
import io.vfiomigrate.api.Prot;
import io.vfiomigrate.api.TrackingMdevDriver;
import io.vfiomigrate.api.U64;
import io.vfiomigrate.api.UnmapPolicy;
import io.vfiomigrate.api.VfioDevice;
import io.vfiomigrate.host.KernelLog;
import io.vfiomigrate.host.Task;
import io.vfiomigrate.iommufd.context.IommufdContext;
import io.vfiomigrate.iommufd.device.AccessOps;
import io.vfiomigrate.iommufd.device.IommufdAccess;
import io.vfiomigrate.iommufd.iopt.AccessPages;

/**
 * An access of a program and the emulated device driver behind it: a {@link TrackingMdevDriver}
 * with the program's unmap policy pins and unpins through this object (as a {@link VfioDevice}),
 * and the access's unmap callback goes to that driver, so an UNPIN driver releases exactly the pins
 * it took and an IGNORE driver keeps them.
 *
 * <p>The driver pins whole pages, as every VFIO driver does ({@code vfio_pin_pages} passes {@code
 * npage * PAGE_SIZE}): a pin whose length is zero, not a multiple of the page size or more pages
 * than an {@code int} counts is refused EINVAL before the access sees it, and such an unpin only
 * warns.
 */
final class ProgramAccess implements VfioDevice, AccessOps {
  private final int group;
  private final boolean needsPinPages;
  private final long pageSize;
  private final TrackingMdevDriver driver;
  private final KernelLog log;
  private IommufdAccess access;

  private ProgramAccess(
      int group, boolean needsPinPages, UnmapPolicy policy, long pageSize, KernelLog log) {
    this.group = group;
    this.log = log;
    this.needsPinPages = needsPinPages;
    this.pageSize = pageSize;
    this.driver = new TrackingMdevDriver(policy, pageSize);
  }

  /**
   * {@code iommufd_access_create} for a driver with {@code policy}.
   *
   * @throws KernelException ENOMEM (injected)
   */
  static ProgramAccess create(
      IommufdContext ictx, int group, boolean needsPinPages, UnmapPolicy policy) {
    ProgramAccess created =
        new ProgramAccess(group, needsPinPages, policy, ictx.host().pageSize(), ictx.host().log());
    created.access = ictx.accessCreate(created);
    return created;
  }

  /** {@code iommufd_access_attach}. */
  void attach(int ioasId) {
    access.attach(ioasId);
  }

  /** {@code iommufd_access_detach}: the driver is told to drop everything first. */
  void detach() {
    access.detach();
  }

  /** {@code iommufd_access_destroy}: an attached access detaches first. */
  void destroy() {
    access.destroy();
  }

  /**
   * The driver pins {@code [iova, iova + length)}.
   *
   * @throws KernelException EINVAL if the access is not attached (the device is not open), for a
   *     zero length or one the driver cannot express; then the errors of {@link
   *     IommufdAccess#pinPages}
   */
  void pin(long iova, long length, boolean write) {
    requireAttached("vfio_pin_pages");
    int npage = npage(length);
    if (npage == 0) {
      throw KernelException.of(
          Errno.EINVAL, "vfio_pin_pages: %#x bytes are not a count of whole pages", length);
    }
    driver.pin(this, iova, npage, new Prot(true, write));
  }

  /**
   * The driver unpins {@code [iova, iova + length)}. Like {@code vfio_unpin_pages} it never fails:
   * a range the access holds no such pin for only gets a kernel warning.
   */
  void unpin(long iova, long length) {
    int npage = npage(length);
    if (npage == 0) {
      log.warn("vfio_unpin_pages", "bad length " + U64.hex(length));
      return;
    }
    driver.unpin(this, iova, npage);
  }

  /**
   * A CPU read or write through the access, as {@code vfio_dma_rw} issues it from {@code current}.
   *
   * @throws KernelException EINVAL if the access is not attached; the errors of {@link
   *     IommufdAccess#rw}
   */
  void rw(long iova, long length, boolean write, Task current) {
    requireAttached("vfio_dma_rw");
    access.rw(iova, length, write ? AccessPages.RW_WRITE : 0, current);
  }

  @Override
  public int groupId() {
    return group;
  }

  @Override
  public PinnedPages pinPages(long iova, int npage, Prot prot) {
    return access.pinPages(iova, npage * pageSize, prot.write());
  }

  @Override
  public void unpinPages(long iova, int npage) {
    access.unpinPages(iova, npage * pageSize);
  }

  /** Not reached: the driver only pins and unpins; accessRw goes through {@link #rw}. */
  @Override
  public void dmaRw(long iova, long length, boolean write) {
    throw new UnsupportedOperationException("accessRw runs as the op's task, through rw");
  }

  @Override
  public boolean needsPinPages() {
    return needsPinPages;
  }

  @Override
  public void unmap(IommufdAccess unused, long iova, long length) {
    driver.dmaUnmap(this, iova, length);
  }

  private void requireAttached(String function) {
    if (access.ioas() == null) {
      throw KernelException.of(
          Errno.EINVAL, "%s: the device of group %d is not attached", function, group);
    }
  }

  /** The {@code npage} of a VFIO driver's call for {@code length} bytes, or 0 if there is none. */
  private int npage(long length) {
    long pages = Long.divideUnsigned(length, pageSize);
    boolean expressible =
        Long.remainderUnsigned(length, pageSize) == 0
            && Long.compareUnsigned(pages, Integer.MAX_VALUE) <= 0;
    return expressible ? (int) pages : 0;
  }
}
