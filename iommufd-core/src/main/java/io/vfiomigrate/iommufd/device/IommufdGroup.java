package io.vfiomigrate.iommufd.device;

import io.vfiomigrate.host.IommuSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code struct iommufd_group}: the context's view of one IOMMU group. Every device of the
 * group shares one HWPT: the first attached device attaches the group, later ones must use
 * the same HWPT. Exists while a device of the group is bound.
 */
final class IommufdGroup {
  final int groupId;
  final IommuSpec spec;
  final List<IommufdDevice> devices = new ArrayList<>();
  HwptPaging hwpt;
  int refs = 1;

  IommufdGroup(int groupId, IommuSpec spec) {
    this.groupId = groupId;
    this.spec = spec;
  }
}
