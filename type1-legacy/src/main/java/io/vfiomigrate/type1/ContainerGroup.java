package io.vfiomigrate.type1;

import static java.util.Objects.requireNonNull;

import io.vfiomigrate.api.GroupKind;
import java.util.Optional;

/**
 * A group in a container ({@code vfio_group} with {@code container} set): its id, what stands
 * behind it, and for an emulated group the one device its driver pins through.
 */
record ContainerGroup(int id, GroupKind kind, Optional<EmulatedDevice> device) {
  ContainerGroup {
    requireNonNull(kind, "kind is null");
    requireNonNull(device, "device is null");
    if (device.isPresent() != (kind == GroupKind.EMULATED)) {
      throw new IllegalArgumentException("group " + id + ": an emulated group has exactly one"
          + " device, an IOMMU group none");
    }
  }

  static ContainerGroup iommu(int id) {
    return new ContainerGroup(id, GroupKind.IOMMU, Optional.empty());
  }

  static ContainerGroup emulated(EmulatedDevice device) {
    return new ContainerGroup(device.groupId(), GroupKind.EMULATED, Optional.of(device));
  }
}
