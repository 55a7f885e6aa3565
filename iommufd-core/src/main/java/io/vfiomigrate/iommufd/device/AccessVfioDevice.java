package io.vfiomigrate.iommufd.device;

import static java.util.Objects.requireNonNull;

import io.vfiomigrate.api.Errno;
import io.vfiomigrate.api.KernelException;
import io.vfiomigrate.api.MdevDriver;
import io.vfiomigrate.api.PinnedPages;
import io.vfiomigrate.api.Prot;
import io.vfiomigrate.api.U64;
import io.vfiomigrate.api.VfioDevice;
import io.vfiomigrate.host.Task;
import io.vfiomigrate.iommufd.context.IommufdContext;
import io.vfiomigrate.iommufd.iopt.AccessPages;
import io.vfiomigrate.iommufd.iopt.IoptEnv;

/**
 * An emulated VFIO device on iommufd ({@code drivers/vfio/iommufd.c}, {@code vfio_main.c}): the
 * driver's pin API routed to an {@link IommufdAccess} with {@code needs_pin_pages} whose unmap
 * callback is the driver's {@code dma_unmap}. Spec B.8: the IOVA is aligned down to a page,
 * there is no 512-page limit, and unpins must repeat the pin's {@code (iova, npage)}.
 */
public final class AccessVfioDevice implements VfioDevice {
  private final int groupId;
  private final MdevDriver driver;
  private final Task rwCaller;
  private IommufdAccess access;

  private AccessVfioDevice(int groupId, MdevDriver driver, Task rwCaller) {
    this.groupId = groupId;
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
    AccessVfioDevice device = new AccessVfioDevice(groupId, driver, rwCaller);
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

  public IommufdAccess access() {
    return access;
  }

  @Override
  public int groupId() {
    return groupId;
  }

  /**
   * {@code vfio_pin_pages} on iommufd: pins whole pages from {@code ALIGN_DOWN(iova)}.
   *
   * @throws KernelException EINVAL for no pages; the errors of
   *     {@link IommufdAccess#pinPages}
   */
  @Override
  public PinnedPages pinPages(long iova, int npage, Prot prot) {
    if (npage <= 0) {
      throw KernelException.of(Errno.EINVAL, "vfio_pin_pages: npage %d", npage);
    }
    return access.pinPages(U64.alignDown(iova, IoptEnv.PAGE_SIZE),
        (long) npage * IoptEnv.PAGE_SIZE, prot.write());
  }

  @Override
  public void unpinPages(long iova, int npage) {
    access.unpinPages(U64.alignDown(iova, IoptEnv.PAGE_SIZE), (long) npage * IoptEnv.PAGE_SIZE);
  }

  /**
   * {@code vfio_dma_rw} on iommufd: a kernel thread caller gets {@code IOMMUFD_ACCESS_RW_KTHREAD}.
   *
   * @throws KernelException EINVAL for a zero length; the errors of {@link IommufdAccess#rw}
   */
  @Override
  public void dmaRw(long iova, long length, boolean write) {
    if (length == 0) {
      throw KernelException.of(Errno.EINVAL, "vfio_dma_rw: zero length");
    }
    int flags = write ? AccessPages.RW_WRITE : 0;
    if (rwCaller == null) {
      flags |= AccessPages.RW_KTHREAD;
    }
    access.rw(iova, length, flags, rwCaller);
  }
}
