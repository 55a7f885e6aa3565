package io.vfiomigrate.iommufd.device;

import static java.util.Objects.requireNonNull;

import io.vfiomigrate.api.Errno;
import io.vfiomigrate.api.KernelException;
import io.vfiomigrate.api.MdevDriver;
import io.vfiomigrate.api.PinnedPages;
import io.vfiomigrate.api.Prot;
import io.vfiomigrate.api.U64;
import io.vfiomigrate.api.VfioDevice;
import io.vfiomigrate.host.KernelLog;
import io.vfiomigrate.host.Task;
import io.vfiomigrate.iommufd.context.IommufdContext;
import io.vfiomigrate.iommufd.iopt.AccessPages;
import io.vfiomigrate.iommufd.iopt.IoptEnv;

/**
 * An emulated VFIO device on iommufd ({@code drivers/vfio/iommufd.c}, {@code vfio_main.c}): the
 * driver's pin API routed to an {@link IommufdAccess} with {@code needs_pin_pages} whose unmap
 * callback is the driver's {@code dma_unmap}. Spec B.8: the IOVA is aligned down to a page,
 * there is no 512-page limit, and unpins must repeat the pin's {@code (iova, npage)}.
 *
 * <p>Life cycle, as the VFIO group path drives it ({@code vfio_df_group_open}/{@code _close}):
 * {@link #bind} when the device is first opened, {@link #attachIoas} to the compat IOAS, and
 * {@link #unbind} when it is closed. A closed device is refused by the pin API as
 * {@code vfio_assert_device_open} refuses it: with a kernel warning.
 */
public final class AccessVfioDevice implements VfioDevice {
  private final int groupId;
  private final MdevDriver driver;
  private final Task rwCaller;
  private final KernelLog log;
  /** The device's access; null once unbound (the device is closed). */
  private IommufdAccess access;

  private AccessVfioDevice(int groupId, MdevDriver driver, Task rwCaller, KernelLog log) {
    this.groupId = groupId;
    this.log = log;
    this.driver = requireNonNull(driver, "driver is null");
    this.rwCaller = rwCaller;
  }

  /**
   * {@code vfio_iommufd_emulated_bind}: creates the device's access.
   *
   * @param rwCaller the task {@link #dmaRw} runs in, or null for a kernel thread
   * @throws KernelException ENOMEM (injected)
   */
  public static AccessVfioDevice bind(IommufdContext ctx, int groupId, MdevDriver driver,
      Task rwCaller) {
    AccessVfioDevice device = new AccessVfioDevice(groupId, driver, rwCaller,
        ctx.host().log());
    device.access = IommufdAccess.create(ctx, new AccessOps() {
      @Override
      public boolean needsPinPages() {
        return true;
      }

      @Override
      public void unmap(IommufdAccess unused, long iova, long length) {
        driver.dmaUnmap(device, iova, length);
      }
    });
    return device;
  }

  /** The device's access, or null once unbound. */
  public IommufdAccess access() {
    return access;
  }

  @Override
  public int groupId() {
    return groupId;
  }

  /**
   * {@code vfio_iommufd_emulated_attach_ioas}: attaches the access to {@code ioasId}, or moves
   * it there if it is attached ({@code iommufd_access_replace}).
   *
   * @throws KernelException the errors of {@link IommufdAccess#attach} and
   *     {@link IommufdAccess#replace}; EINVAL once unbound
   */
  public void attachIoas(int ioasId) {
    requireOpen("vfio_iommufd_emulated_attach_ioas");
    if (access.ioas() == null) {
      access.attach(ioasId);
    } else {
      access.replace(ioasId);
    }
  }

  /**
   * {@code vfio_iommufd_emulated_unbind}: destroys the access. An attached access first tells
   * the driver to drop every pin (its unmap callback over the whole IOVA space); pins a buggy
   * driver keeps stay in their areas. Afterwards the device is closed. Never fails.
   */
  public void unbind() {
    if (access != null) {
      access.destroy();
      access = null;
    }
  }

  /** Whether the device is open: bound and not yet unbound. */
  public boolean isOpen() {
    return access != null;
  }

  /**
   * {@code vfio_pin_pages} on iommufd: pins whole pages from {@code ALIGN_DOWN(iova)}.
   *
   * @throws KernelException EINVAL for no pages or a closed device; the errors of
   *     {@link IommufdAccess#pinPages}
   */
  @Override
  public PinnedPages pinPages(long iova, int npage, Prot prot) {
    if (npage <= 0) {
      throw KernelException.of(Errno.EINVAL, "vfio_pin_pages: npage %d", npage);
    }
    requireOpen("vfio_pin_pages");
    return access.pinPages(U64.alignDown(iova, IoptEnv.PAGE_SIZE),
        (long) npage * IoptEnv.PAGE_SIZE, prot.write());
  }

  /** {@code vfio_unpin_pages} on iommufd: a closed device only gets a kernel warning. */
  @Override
  public void unpinPages(long iova, int npage) {
    if (access == null) {
      warnClosed("vfio_unpin_pages");
      return;
    }
    access.unpinPages(U64.alignDown(iova, IoptEnv.PAGE_SIZE), (long) npage * IoptEnv.PAGE_SIZE);
  }

  /**
   * {@code vfio_dma_rw} on iommufd: a kernel thread caller gets {@code IOMMUFD_ACCESS_RW_KTHREAD}.
   *
   * @throws KernelException EINVAL for a zero length or a closed device; the errors of
   *     {@link IommufdAccess#rw}
   */
  @Override
  public void dmaRw(long iova, long length, boolean write) {
    if (length == 0) {
      throw KernelException.of(Errno.EINVAL, "vfio_dma_rw: zero length");
    }
    requireOpen("vfio_dma_rw");
    int flags = write ? AccessPages.RW_WRITE : 0;
    if (rwCaller == null) {
      flags |= AccessPages.RW_KTHREAD;
    }
    access.rw(iova, length, flags, rwCaller);
  }

  /** {@code vfio_assert_device_open}: WARN and EINVAL on a closed device. */
  private void requireOpen(String function) {
    if (access == null) {
      warnClosed(function);
      throw KernelException.of(Errno.EINVAL, "%s: device of group %d is not open", function,
          groupId);
    }
  }

  private void warnClosed(String function) {
    log.warn(function, "device of group " + groupId + " is not open");
  }
}
