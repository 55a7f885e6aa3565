package io.vfiomigrate.type1;

import static java.util.Objects.requireNonNull;

import io.vfiomigrate.api.Errno;
import io.vfiomigrate.api.KernelException;
import io.vfiomigrate.api.MdevDriver;
import io.vfiomigrate.api.PinnedPages;
import io.vfiomigrate.api.Prot;
import io.vfiomigrate.api.VfioDevice;
import io.vfiomigrate.host.KernelLog;

/**
 * The {@code vfio_device} of an emulated group, as its driver sees it: the checks of {@code
 * vfio_pin_pages}, {@code vfio_unpin_pages} and {@code vfio_dma_rw} ({@code vfio_main.c}) and of
 * the container's pin path ({@code vfio_device_container_pin_pages} and friends), in front of
 * the backend.
 *
 * <p>The device is open, and on the backend's {@code device_list}, from the moment its group is
 * in a container that has a backend (VFIO_SET_IOMMU done) until the group is detached. Calls on
 * a device that is not open fail as the kernel's {@code vfio_assert_device_open} does.
 */
final class EmulatedDevice implements VfioDevice {
  /** VFIO_PIN_PAGES_MAX_ENTRIES: PAGE_SIZE / sizeof(unsigned long). */
  static final int PIN_PAGES_MAX_ENTRIES = 512;

  private final int groupId;
  private final MdevDriver driver;
  private final KernelLog log;
  private VfioIommu openOn;

  EmulatedDevice(int groupId, MdevDriver driver, KernelLog log) {
    this.groupId = groupId;
    this.driver = requireNonNull(driver, "driver is null");
    this.log = requireNonNull(log, "log is null");
  }

  @Override
  public int groupId() {
    return groupId;
  }

  MdevDriver driver() {
    return driver;
  }

  boolean isOpen() {
    return openOn != null;
  }

  /** Opens the device on {@code iommu}: it is registered for dma_unmap callbacks. */
  void open(VfioIommu iommu) {
    openOn = requireNonNull(iommu, "iommu is null");
    iommu.registerDevice(this);
  }

  /** Closes the device: no more callbacks, and the pin API refuses it. */
  void close() {
    if (openOn != null) {
      openOn.unregisterDevice(this);
      openOn = null;
    }
  }

  @Override
  public PinnedPages pinPages(long iova, int npage, Prot prot) {
    requireNonNull(prot, "prot is null");
    if (npage == 0) {
      throw KernelException.of(Errno.EINVAL, "vfio_pin_pages: npage is 0");
    }
    if (openOn == null) {
      log.warn("vfio_pin_pages", "device of group " + groupId + " is not open");
      throw KernelException.of(Errno.EINVAL, "vfio_pin_pages: device of group %d is not open",
          groupId);
    }
    if (npage > PIN_PAGES_MAX_ENTRIES) {
      throw KernelException.of(Errno.E2BIG, "vfio_device_container_pin_pages: npage %d exceeds"
          + " %d", npage, PIN_PAGES_MAX_ENTRIES);
    }
    return openOn.pinPages(iova, npage, prot);
  }

  @Override
  public void unpinPages(long iova, int npage) {
    if (openOn == null) {
      log.warn("vfio_unpin_pages", "device of group " + groupId + " is not open");
      return;
    }
    if (npage <= 0 || npage > PIN_PAGES_MAX_ENTRIES) {
      log.warn("vfio_device_container_unpin_pages", "npage " + npage + " is outside [1, "
          + PIN_PAGES_MAX_ENTRIES + "]");
      return;
    }
    openOn.unpinPages(iova, npage);
  }

  @Override
  public void dmaRw(long iova, long length, boolean write) {
    if (length == 0 || openOn == null) {
      throw KernelException.of(Errno.EINVAL, "vfio_dma_rw: length %d on device of group %d"
          + " (%s)", length, groupId, openOn == null ? "not open" : "open");
    }
    openOn.dmaRw(iova, length, write);
  }

  @Override
  public String toString() {
    return "emulated device of group " + groupId;
  }
}
