package io.vfiomigrate.iommufd.compat;

import io.vfiomigrate.api.KernelException;
import io.vfiomigrate.api.MdevDriver;
import io.vfiomigrate.host.Task;
import io.vfiomigrate.iommufd.context.IommufdContext;
import io.vfiomigrate.iommufd.device.AccessVfioDevice;
import io.vfiomigrate.iommufd.device.IommufdDevice;

/**
 * A group set on a compat container, with its one device open on the container's iommufd.
 * VFIO binds and attaches a device when user space first opens it ({@code vfio_df_group_open}:
 * {@code vfio_df_iommufd_bind}, then {@code vfio_iommufd_compat_attach_ioas} to the compat
 * IOAS), and unbinds it when the last file closes ({@code vfio_df_device_last_close}); the
 * container API opens the device with the group and closes it before the group leaves, as a
 * VMM does.
 */
sealed interface CompatGroup {
  int groupId();

  /** {@code vfio_df_device_last_close}: the device's unbind. Never fails. */
  void close();

  /** Whether the device is attached where the container expects it: for the invariants. */
  boolean attached();

  /**
   * A physical device behind an IOMMU: {@code vfio_iommufd_physical_bind} and
   * {@code vfio_iommufd_physical_attach_ioas} (an automatic domain, filled from the IOAS).
   */
  record Physical(IommufdContext ictx, int groupId, int deviceId) implements CompatGroup {
    /**
     * Binds the group's device and attaches it to the compat IOAS; a failed attach unbinds
     * it again ({@code vfio_df_close}).
     *
     * @throws KernelException ENODEV without a compat IOAS; the errors of
     *     {@link IommufdContext#deviceBind} and {@link IommufdContext#deviceAttach}
     */
    static Physical open(IommufdContext ictx, int groupId) {
      int deviceId = ictx.deviceBind(groupId);
      try {
        ictx.deviceAttach(deviceId, ictx.vfioIoasGet());
      } catch (KernelException e) {
        ictx.deviceUnbind(deviceId);
        throw e;
      }
      return new Physical(ictx, groupId, deviceId);
    }

    /** {@code vfio_iommufd_physical_unbind}: detach (the last device frees the domain), unbind. */
    @Override
    public void close() {
      ictx.deviceUnbind(deviceId);
    }

    @Override
    public boolean attached() {
      return ictx.objects().all(IommufdDevice.class).stream()
          .anyMatch(idev -> idev.id() == deviceId && idev.attached());
    }

    @Override
    public String toString() {
      return groupId + ":device " + deviceId;
    }
  }

  /**
   * An emulated (mdev) device: {@code vfio_iommufd_emulated_bind} creates an access with
   * {@code needs_pin_pages} whose unmap callback is the driver's {@code dma_unmap}, and
   * {@code vfio_iommufd_emulated_attach_ioas} attaches it to the compat IOAS.
   */
  record Emulated(AccessVfioDevice device) implements CompatGroup {
    /**
     * Creates and attaches the device's access; a failed attach destroys it again.
     *
     * @param current the task that opens the device, in whose context the driver's
     *     {@code vfio_dma_rw} calls run (the VMM's ioctl context)
     * @throws KernelException ENODEV without a compat IOAS; the errors of access creation and
     *     {@link AccessVfioDevice#attachIoas}
     */
    static Emulated open(IommufdContext ictx, int groupId, MdevDriver driver, Task current) {
      AccessVfioDevice device = AccessVfioDevice.bind(ictx, groupId, driver, current);
      try {
        device.attachIoas(ictx.vfioIoasGet());
      } catch (KernelException e) {
        device.unbind();
        throw e;
      }
      return new Emulated(device);
    }

    @Override
    public int groupId() {
      return device.groupId();
    }

    /**
     * {@code vfio_iommufd_emulated_unbind}: the driver is told to drop every pin; pins a buggy
     * driver keeps stay in their areas, and unmapping those areas fails with EDEADLOCK.
     */
    @Override
    public void close() {
      device.unbind();
    }

    @Override
    public boolean attached() {
      return device.isOpen() && device.access().ioas() != null;
    }

    @Override
    public String toString() {
      return device.groupId() + ":" + (device.isOpen() ? "access " + device.access().id()
          : "closed");
    }
  }
}
