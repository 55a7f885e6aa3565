package io.vfiomigrate.cli.importer;

import io.vfiomigrate.proto.GroupKind;
import java.util.regex.Pattern;

/**
 * The group kind of a VFIO device, from the only evidence a log has, its name: QEMU names an mdev
 * (vGPU, vfio-ap, vfio-ccw) by its UUID, the basename of its sysfs path, and a physical PCI or
 * platform device by its address. Only mdevs are EMULATED (their vendor driver pins pages itself);
 * everything else sits behind an IOMMU.
 */
final class DeviceKinds {
  private static final Pattern UUID =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private DeviceKinds() {}

  static GroupKind kindOf(String device) {
    return UUID.matcher(device).matches() ? GroupKind.EMULATED : GroupKind.IOMMU;
  }
}
