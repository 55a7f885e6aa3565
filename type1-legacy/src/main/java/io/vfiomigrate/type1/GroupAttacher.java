package io.vfiomigrate.type1;

import static java.util.Objects.requireNonNull;

import io.vfiomigrate.api.Errno;
import io.vfiomigrate.api.GroupKind;
import io.vfiomigrate.api.IovaRange;
import io.vfiomigrate.api.KernelException;
import io.vfiomigrate.api.U64;
import io.vfiomigrate.host.FaultPoint;
import io.vfiomigrate.host.FaultInjector;
import io.vfiomigrate.host.Host;
import io.vfiomigrate.host.IommuDomain;
import io.vfiomigrate.host.IommuSpec;
import io.vfiomigrate.host.Task;
import java.util.ArrayList;
import java.util.List;

/**
 * Groups joining and leaving the backend: {@code vfio_iommu_type1_attach_group} and {@code
 * vfio_iommu_type1_detach_group}, with the {@code iova_list} maintenance around them.
 *
 * <p>Attach failure guarantee: the new domain and {@code iova_list} copy are built aside and
 * installed only after the replay succeeded, so a failed attach changes nothing. The model has
 * one fault point per allocation site on the path (not one per list node), and treats every
 * group as having isolated MSIs (no EPERM) and no relaxable reserved regions.
 *
 * <p>Detach never fails. The kernel's detach may keep the old {@code iova_list} if copying it
 * fails for lack of memory; the model injects no faults into teardown.
 */
final class GroupAttacher {
  private final VfioIommu iommu;
  private final DmaReplay replay;
  private final DmaTeardown teardown;

  GroupAttacher(VfioIommu iommu, DmaReplay replay, DmaTeardown teardown) {
    this.iommu = requireNonNull(iommu, "iommu is null");
    this.replay = requireNonNull(replay, "replay is null");
    this.teardown = requireNonNull(teardown, "teardown is null");
  }

  /**
   * An emulated group is only remembered. An IOMMU group gets a new domain, which it gives up
   * for an existing compatible one (same IOMMU) or fills by replaying every mapping.
   *
   * @throws KernelException EBUSY (vaddrs invalidated), EINVAL (already attached, aperture or
   *     reserved-region conflict), ENOMEM or EFAULT from the replay
   */
  void attach(Task current, int groupId, GroupKind kind) {
    if (iommu.vaddrInvalidCount() > 0) {
      throw KernelException.of(Errno.EBUSY, "vfio_iommu_type1_attach_group: group %d would need"
          + " pinning while %d vaddrs are invalid", groupId, iommu.vaddrInvalidCount());
    }
    if (iommu.hasGroup(groupId)) {
      throw KernelException.of(Errno.EINVAL,
          "vfio_iommu_type1_attach_group: group %d is already attached", groupId);
    }
    Host host = iommu.host();
    FaultInjector faults = host.faults();
    faults.check(FaultPoint.ALLOC, "vfio_iommu_type1_attach_group: kzalloc(vfio_iommu_group)");
    if (kind == GroupKind.EMULATED) {
      iommu.emulatedGroups().add(0, groupId);
      return;
    }
    faults.check(FaultPoint.ALLOC, "vfio_iommu_type1_attach_group: kzalloc(vfio_domain)");
    IommuSpec spec = host.iommuForGroup(groupId);
    IommuDomain hardware = host.allocDomain(spec);
    IovaRange aperture = spec.aperture();
    DmaTree dmas = iommu.dmas();
    if (iommu.iovaList().aperConflict(aperture.first(), aperture.last(), dmas)) {
      throw KernelException.of(Errno.EINVAL, "vfio_iommu_aper_conflict: aperture %s of group %d"
          + " misses %s or leaves a mapping outside", aperture, groupId, iommu.iovaList());
    }
    faults.check(FaultPoint.ALLOC, "iommu_get_group_resv_regions");
    List<IovaRange> reserved = spec.reservedRegions();
    if (IovaList.resvConflict(reserved, dmas)) {
      throw KernelException.of(Errno.EINVAL, "vfio_iommu_resv_conflict: a mapping overlaps a"
          + " reserved region %s of group %d", reserved, groupId);
    }
    faults.check(FaultPoint.ALLOC, "vfio_iommu_iova_get_copy");
    IovaList iovaCopy = iommu.iovaList().aperResize(aperture.first(), aperture.last())
        .resvExclude(reserved);
    if (iovaCopy.isEmpty()) {
      throw KernelException.of(Errno.EINVAL, "vfio_iommu_resv_exclude: no valid IOVA is left"
          + " for group %d", groupId);
    }
    for (VfioDomain existing : iommu.domains()) {
      if (existing.spec().equals(spec)) {
        // Same iommu_ops: the group joins the domain that already holds every mapping.
        existing.addGroup(groupId);
        iommu.setIovaList(iovaCopy);
        return;
      }
    }
    replay.replay(current, hardware);
    VfioDomain domain = new VfioDomain(hardware);
    domain.addGroup(groupId);
    iommu.domains().add(0, domain);
    iommu.updatePgsizeBitmap();
    iommu.setIovaList(iovaCopy);
  }

  /**
   * Removes a group. When an IOMMU group leaves its domain empty the domain goes; if it was the
   * last one, the mappings go too unless emulated groups remain, in which case they are unpinned
   * but kept and their charge falls back to the external pins ({@code
   * vfio_iommu_unmap_unpin_reaccount}). The last emulated group leaving a container without
   * domains takes the mappings with it.
   */
  void detach(int groupId) {
    List<Integer> emulated = iommu.emulatedGroups();
    if (emulated.remove(Integer.valueOf(groupId))) {
      if (emulated.isEmpty() && !iommu.hasDomains()) {
        unmapUnpinAll();
      }
      return;
    }
    VfioDomain domain = domainOf(groupId);
    IovaList iovaCopy = iommu.iovaList();
    if (domain != null) {
      domain.removeGroup(groupId);
      if (domain.groups().isEmpty()) {
        if (iommu.domains().size() == 1) {
          if (emulated.isEmpty()) {
            unmapUnpinAll();
          } else {
            teardown.unmapUnpinReaccount();
          }
        }
        iommu.domains().remove(domain);
        iovaCopy = aperExpand(iovaCopy);
        iommu.updatePgsizeBitmap();
      }
    }
    IovaList refreshed = resvRefresh(iovaCopy);
    if (refreshed != null) {
      iommu.setIovaList(refreshed);
    }
  }

  private void unmapUnpinAll() {
    if (!iommu.devices().isEmpty()) {
      iommu.host().log().warn("vfio_iommu_type1_detach_group", iommu.devices().size()
          + " devices with dma_unmap are still registered");
    }
    teardown.unmapUnpinAll();
  }

  private VfioDomain domainOf(int groupId) {
    for (VfioDomain domain : iommu.domains()) {
      if (domain.hasGroup(groupId)) {
        return domain;
      }
    }
    return null;
  }

  /** {@code vfio_iommu_aper_expand}: widens to the remaining domains' common aperture. */
  private IovaList aperExpand(IovaList list) {
    long first = 0;
    long last = U64.MAX;
    for (VfioDomain domain : iommu.domains()) {
      first = U64.max(first, domain.domain().aperture().first());
      last = U64.min(last, domain.domain().aperture().last());
    }
    return list.aperExpand(first, last);
  }

  /**
   * {@code vfio_iommu_resv_refresh}: rebuilds the windows between the list's ends from the
   * remaining groups' reserved regions (a departed group's regions become valid again).
   *
   * @return the new list, or null to keep the current one (the kernel's error return)
   */
  private IovaList resvRefresh(IovaList list) {
    if (list.isEmpty()) {
      return null;
    }
    List<IovaRange> reserved = new ArrayList<>();
    for (VfioDomain domain : iommu.domains()) {
      for (int group : domain.groups()) {
        reserved.addAll(iommu.host().iommuForGroup(group).reservedRegions());
      }
    }
    List<IovaRange> ranges = list.ranges();
    IovaList rebuilt = IovaList.EMPTY
        .aperResize(ranges.get(0).first(), ranges.get(ranges.size() - 1).last())
        .resvExclude(reserved);
    return rebuilt.isEmpty() ? null : rebuilt;
  }
}
