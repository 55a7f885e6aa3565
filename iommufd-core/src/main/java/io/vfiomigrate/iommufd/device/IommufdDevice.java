package io.vfiomigrate.iommufd.device;

import io.vfiomigrate.iommufd.context.IommufdObject;
import io.vfiomigrate.iommufd.context.ObjectKind;

/**
 * {@code struct iommufd_device}: a physical device bound to the context. Users: the table,
 * the binding driver, and one while attached. {@code attached} is VFIO's
 * {@code iommufd_attached}: attaching an attached device replaces its HWPT.
 */
public final class IommufdDevice extends IommufdObject {
  private final Devices devices;
  final IommufdGroup group;
  boolean attached;

  IommufdDevice(Devices devices, IommufdGroup group) {
    super(ObjectKind.DEVICE);
    this.devices = devices;
    this.group = group;
  }

  public int groupId() {
    return group.groupId;
  }

  public boolean attached() {
    return attached;
  }

  /** The HWPT the device's group is attached to, or null. */
  public HwptPaging hwpt() {
    return attached ? group.hwpt : null;
  }

  /** {@code iommufd_device_destroy}: releases the group. */
  @Override
  protected void destroyObject() {
    devices.putGroup(group);
  }

  @Override
  public String toString() {
    return "device " + id() + " of group " + group.groupId;
  }
}
