package io.vfiomigrate.iommufd.device;

import static java.util.Objects.requireNonNull;

import io.vfiomigrate.api.Errno;
import io.vfiomigrate.api.IovaRange;
import io.vfiomigrate.api.KernelException;
import io.vfiomigrate.api.PinnedPages;
import io.vfiomigrate.api.U64;
import io.vfiomigrate.host.Task;
import io.vfiomigrate.iommufd.context.IommufdContext;
import io.vfiomigrate.iommufd.context.IommufdObject;
import io.vfiomigrate.iommufd.context.ObjectKind;
import io.vfiomigrate.iommufd.ioas.Ioas;
import io.vfiomigrate.iommufd.iopt.AccessPages;
import io.vfiomigrate.iommufd.iopt.IoasAccess;
import io.vfiomigrate.iommufd.iopt.IoptEnv;

/**
 * {@code struct iommufd_access}: an in-kernel user of an IOAS (an emulated device's driver)
 * that pins pages, reads and writes through the IOAS, and is told to unpin when IOVA goes
 * away. Users: the table and the driver, which must {@link #destroy} it.
 *
 * <p>{@code ioas} is the IOAS new pins go to; {@code ioasUnpin} the one unpins go to. They
 * differ only while the access is leaving an IOAS, so that the driver's unmap callback can
 * still unpin while no new pin is accepted.
 */
public final class IommufdAccess extends IommufdObject implements IoasAccess {
  private final IommufdContext ctx;
  private final AccessOps ops;
  private final long iovaAlignment;
  private Ioas ioas;
  private Ioas ioasUnpin;
  private int accessListId;
  private boolean destroying;

  private IommufdAccess(IommufdContext ctx, AccessOps ops) {
    super(ObjectKind.ACCESS);
    this.ctx = ctx;
    this.ops = requireNonNull(ops, "ops is null");
    this.iovaAlignment = ops.needsPinPages() ? IoptEnv.PAGE_SIZE : 1;
  }

  /**
   * {@code iommufd_access_create}: a detached access, held by its driver.
   *
   * @throws KernelException ENOMEM (injected)
   */
  public static IommufdAccess create(IommufdContext ctx, AccessOps ops) {
    IommufdAccess access = new IommufdAccess(ctx, ops);
    ctx.objects().reserve(access);
    access.addUser();
    ctx.objects().publish(access);
    return access;
  }

  /**
   * {@code iommufd_access_attach}.
   *
   * @throws KernelException EINVAL (with a kernel WARN) if already attached; ENOENT for a bad
   *     IOAS; EADDRINUSE if its areas are not aligned for this access; ENOMEM (injected)
   */
  public void attach(int ioasId) {
    if (ioas != null) {
      ctx.host().log().warn("iommufd_access_attach", this + " is already attached");
      throw KernelException.of(Errno.EINVAL, "iommufd_access_attach: %s is attached", this);
    }
    changeIoas(ctx.ioasCommands().get(ioasId));
  }

  /**
   * {@code iommufd_access_replace}: moves to another IOAS; the driver is first told to drop
   * everything it holds in the old one.
   *
   * @throws KernelException ENOENT if not attached or for a bad IOAS; EADDRINUSE, ENOMEM
   */
  public void replace(int ioasId) {
    if (ioas == null) {
      throw KernelException.of(Errno.ENOENT, "iommufd_access_replace: %s is not attached", this);
    }
    changeIoas(ctx.ioasCommands().get(ioasId));
  }

  /** {@code iommufd_access_detach}: WARNs if not attached. Never fails. */
  public void detach() {
    if (ioas == null) {
      ctx.host().log().warn("iommufd_access_detach", this + " is not attached");
      return;
    }
    changeIoas(null);
  }

  /** {@code iommufd_access_destroy}: the driver lets go; an attached access detaches. */
  public void destroy() {
    ctx.objects().destroyUser(this);
  }

  /** The object's destroy op ({@code iommufd_access_destroy_object}). */
  @Override
  protected void destroyObject() {
    destroying = true;
    if (ioas != null) {
      changeIoas(null);
    }
  }

  /**
   * {@code iommufd_access_change_ioas}: joins the new IOAS first (which may refuse), then
   * has the driver unpin everything in the old one and leaves it.
   */
  private void changeIoas(Ioas newIoas) {
    Ioas cur = ioas;
    if (cur != ioasUnpin) {
      throw KernelException.of(Errno.EBUSY, "%s is being detached", this);
    }
    if (cur == newIoas) {
      return;
    }
    ioas = null;
    int newId = 0;
    if (newIoas != null) {
      try {
        newId = newIoas.iopt().addAccess(this);
      } catch (KernelException e) {
        ioas = cur;
        throw e;
      }
      newIoas.addUser();
    }
    if (cur != null) {
      ops.unmap(this, 0, U64.MAX);
      cur.iopt().removeAccess(this, accessListId);
      cur.dropUser();
    }
    ioas = newIoas;
    ioasUnpin = newIoas;
    accessListId = newId;
  }

  /**
   * {@code iommufd_access_pin_pages}: pins {@code [iova, iova + length)} and returns the
   * PFNs. Pinning the same range again shares the pins. All or nothing.
   *
   * @throws KernelException EINVAL for a zero length; EOVERFLOW if it wraps; ENOENT if not
   *     attached; then the errors of {@link AccessPages#pinPages}
   */
  public PinnedPages pinPages(long iova, long length, boolean write) {
    IovaRange range = IovaRange.ofLength(iova, length);
    if (ioas == null) {
      throw KernelException.of(Errno.ENOENT, "iommufd_access_pin_pages: %s is not attached",
          this);
    }
    return AccessPages.pinPages(ctx.env(), ioas.iopt(), range.first(), length, write);
  }

  /**
   * {@code iommufd_access_unpin_pages}: releases a pin, which must be of exactly this range.
   * Anything else is a driver bug the kernel WARNs about ({@code iommufd_access_unpin_pages}
   * in the host's kernel log); nothing is thrown.
   */
  public void unpinPages(long iova, long length) {
    if (U64.lastOverflows(iova, length)) {
      ctx.host().log().warn("iommufd_access_unpin_pages", "bad range " + U64.hex(iova) + " + "
          + U64.hex(length));
      return;
    }
    if (ioasUnpin == null) {
      ctx.host().log().warn("iommufd_access_unpin_pages", this + " is not attached");
      return;
    }
    if (!AccessPages.unpinPages(ctx.env(), ioasUnpin.iopt(), iova, length)) {
      ctx.host().log().warn("iommufd_access_unpin_pages", this + " did not pin exactly "
          + IovaRange.ofLength(iova, length));
    }
  }

  /**
   * {@code iommufd_access_rw}: a CPU copy through the IOAS. Temporary pins only.
   *
   * @param flags {@link AccessPages#RW_WRITE}, {@link AccessPages#RW_KTHREAD},
   *     {@link AccessPages#RW_SLOW_PATH}
   * @param current the calling task, or null for a kernel thread
   * @throws KernelException EINVAL for a zero length; EOVERFLOW; ENOENT if not attached; then
   *     the errors of {@link AccessPages#rw}
   */
  public void rw(long iova, long length, int flags, Task current) {
    IovaRange.ofLength(iova, length);
    if (ioas == null) {
      throw KernelException.of(Errno.ENOENT, "iommufd_access_rw: %s is not attached", this);
    }
    AccessPages.rw(ctx.env(), ioas.iopt(), iova, length, flags, current);
  }

  /** The IOAS this access is attached to, or null. */
  public Ioas ioas() {
    return ioas;
  }

  @Override
  public long iovaAlignment() {
    return iovaAlignment;
  }

  /** {@code iommufd_access_notify_unmap} for this access; skipped while it is being destroyed. */
  @Override
  public void notifyUnmap(long iova, long length) {
    if (!destroying) {
      ops.unmap(this, iova, length);
    }
  }
}
