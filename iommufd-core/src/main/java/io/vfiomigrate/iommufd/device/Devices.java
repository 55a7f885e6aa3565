package io.vfiomigrate.iommufd.device;

import static java.util.Objects.requireNonNull;

import io.vfiomigrate.api.Errno;
import io.vfiomigrate.api.KernelException;
import io.vfiomigrate.host.FaultPoint;
import io.vfiomigrate.host.IommuDomain;
import io.vfiomigrate.iommufd.context.IommufdContext;
import io.vfiomigrate.iommufd.context.IommufdObject;
import io.vfiomigrate.iommufd.context.ObjectKind;
import io.vfiomigrate.iommufd.ioas.Ioas;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Physical devices of {@code device.c} and {@code hw_pagetable.c}: binding, attaching to an
 * IOAS through an automatic domain (an existing automatic HWPT of that IOAS on compatible
 * hardware is reused, otherwise a new domain is allocated on the group's IOMMU and filled),
 * replacing, detaching and unbinding, with VFIO's behaviour on top (attach of an attached
 * device replaces; unbind detaches first).
 *
 * <p>Compatibility: the group's IOMMU driver refuses (EINVAL) a domain of other hardware; in
 * the model hardware is its {@link io.vfiomigrate.host.IommuSpec}, so equal specs share.
 */
public final class Devices {
  private final IommufdContext ctx;
  private final Map<Integer, IommufdGroup> groups = new TreeMap<>();

  public Devices(IommufdContext ctx) {
    this.ctx = requireNonNull(ctx, "ctx is null");
  }

  /**
   * {@code iommufd_device_bind} for a device of {@code groupId}: the device's IOMMU is
   * {@code host.iommuForGroup(groupId)}.
   *
   * @throws KernelException ENOMEM (injected)
   */
  public IommufdDevice bind(int groupId) {
    IommufdGroup group = getGroup(groupId);
    IommufdDevice idev = new IommufdDevice(this, group);
    try {
      ctx.objects().reserve(idev);
    } catch (KernelException e) {
      putGroup(group);
      throw e;
    }
    idev.addUser();
    ctx.objects().publish(idev);
    return idev;
  }

  /**
   * VFIO's attach of a bound device ({@code vfio_iommufd_physical_attach_ioas}):
   * {@code iommufd_device_attach}, or {@code iommufd_device_replace} if it is attached.
   * {@code ptId} names an IOAS (automatic domain) or a HWPT.
   *
   * @return the HWPT id now in use
   * @throws KernelException ENOENT for a bad id; EINVAL for another kind of object, a HWPT of
   *     incompatible hardware, or a group attached elsewhere; EADDRINUSE if the device's
   *     reserved regions are mapped; and the errors of filling a new domain
   */
  public int attach(IommufdDevice idev, int ptId) {
    IommufdObject pt = ctx.objects().get(ptId, null);
    HwptPaging hwpt;
    HwptPaging old = null;
    if (idev.attached) {
      switch (pt.kind()) {
        case HWPT_PAGING:
          hwpt = (HwptPaging) pt;
          old = doReplace(idev, hwpt);
          break;
        case IOAS:
          AutoResult result = autoGetDomain(idev, (Ioas) pt, false);
          hwpt = result.hwpt;
          old = result.destroy;
          break;
        default:
          throw KernelException.of(Errno.EINVAL, "iommufd_device_replace: %s", pt);
      }
      if (old != null) {
        hwptPut(old);
      }
      return hwpt.id();
    }
    switch (pt.kind()) {
      case HWPT_PAGING:
        hwpt = (HwptPaging) pt;
        hwptAttach(hwpt, idev);
        break;
      case IOAS:
        hwpt = autoGetDomain(idev, (Ioas) pt, true).hwpt;
        break;
      default:
        throw KernelException.of(Errno.EINVAL, "iommufd_device_attach: %s", pt);
    }
    idev.addUser();
    idev.attached = true;
    return hwpt.id();
  }

  /** VFIO's detach: {@code iommufd_device_detach} if attached. Never fails. */
  public void detach(IommufdDevice idev) {
    if (!idev.attached) {
      return;
    }
    HwptPaging hwpt = hwptDetach(idev);
    hwptPut(hwpt);
    idev.dropUser();
    idev.attached = false;
  }

  /** {@code vfio_iommufd_physical_unbind}: detach, then {@code iommufd_device_unbind}. */
  public void unbind(IommufdDevice idev) {
    detach(idev);
    ctx.objects().destroyUser(idev);
  }

  /** The result of {@code iommufd_device_auto_get_domain}: the HWPT and one to put. */
  private record AutoResult(HwptPaging hwpt, HwptPaging destroy) {}

  /**
   * {@code iommufd_device_auto_get_domain}: tries the IOAS's automatic HWPTs in order (EINVAL
   * means incompatible, try the next), else allocates one. {@code immediate} is the attach
   * path, which attaches before filling; replace fills first.
   */
  private AutoResult autoGetDomain(IommufdDevice idev, Ioas ioas, boolean immediate) {
    for (HwptPaging hwpt : ioas.hwpts()) {
      if (!hwpt.autoDomain()) {
        continue;
      }
      try {
        if (immediate) {
          hwptAttach(hwpt, idev);
          return new AutoResult(hwpt, null);
        }
        return new AutoResult(hwpt, doReplace(idev, hwpt));
      } catch (KernelException e) {
        if (e.errno() != Errno.EINVAL) {
          throw e;
        }
      }
    }
    HwptPaging hwpt = hwptPagingAlloc(ioas, idev, immediate);
    HwptPaging destroy = null;
    if (!immediate) {
      try {
        destroy = doReplace(idev, hwpt);
      } catch (KernelException e) {
        ctx.objects().abortAndDestroy(hwpt);
        throw e;
      }
    }
    hwpt.markAuto();
    ctx.objects().publish(hwpt);
    return new AutoResult(hwpt, destroy);
  }

  /**
   * {@code iommufd_hwpt_paging_alloc}: a new domain on the device's IOMMU, filled from the
   * IOAS; unpublished. With {@code immediate} the device is attached before the fill.
   */
  private HwptPaging hwptPagingAlloc(Ioas ioas, IommufdDevice idev, boolean immediate) {
    HwptPaging hwpt = new HwptPaging(ioas);
    ctx.objects().reserve(hwpt);
    ioas.addUser();
    try {
      hwpt.setDomain(ctx.host().allocDomain(idev.group.spec));
      if (immediate) {
        hwptAttach(hwpt, idev);
      }
      try {
        ioas.iopt().tableAddDomain(hwpt.domain());
      } catch (KernelException e) {
        if (immediate) {
          hwptDetach(idev);
        }
        throw e;
      }
      hwpt.link();
    } catch (KernelException e) {
      ctx.objects().abortAndDestroy(hwpt);
      throw e;
    }
    return hwpt;
  }

  /**
   * {@code iommufd_hw_pagetable_attach}: reserves the device's regions in the IOAS and, for
   * the group's first device, attaches the group to the domain.
   */
  private void hwptAttach(HwptPaging hwpt, IommufdDevice idev) {
    IommufdGroup group = idev.group;
    if (group.hwpt != null && group.hwpt != hwpt) {
      throw KernelException.of(Errno.EINVAL, "group %d is attached to %s", group.groupId,
          group.hwpt);
    }
    hwpt.ioas().iopt().enforceDevResvRegions(group.spec.reservedRegions(), idev);
    if (group.devices.isEmpty()) {
      try {
        attachGroup(hwpt.domain(), group);
      } catch (KernelException e) {
        hwpt.ioas().iopt().removeReservedIova(idev);
        throw e;
      }
      group.hwpt = hwpt;
    }
    hwpt.addUser();
    group.devices.add(idev);
  }

  /**
   * {@code iommufd_hw_pagetable_detach}: the last device detaches the group.
   *
   * @return the HWPT the caller must put
   */
  private HwptPaging hwptDetach(IommufdDevice idev) {
    IommufdGroup group = idev.group;
    HwptPaging hwpt = group.hwpt;
    group.devices.remove(idev);
    if (group.devices.isEmpty()) {
      group.hwpt = null;
    }
    hwpt.ioas().iopt().removeReservedIova(idev);
    return hwpt;
  }

  /**
   * {@code iommufd_device_do_replace}: moves the whole group to {@code hwpt}.
   *
   * @return the old HWPT the caller must put, or null if nothing changed
   */
  private HwptPaging doReplace(IommufdDevice idev, HwptPaging hwpt) {
    IommufdGroup group = idev.group;
    if (group.hwpt == null || !group.devices.contains(idev)) {
      throw KernelException.of(Errno.EINVAL, "%s is not attached", idev);
    }
    if (hwpt == group.hwpt) {
      return null;
    }
    HwptPaging old = group.hwpt;
    boolean newIoas = old.ioas() != hwpt.ioas();
    if (newIoas) {
      try {
        for (IommufdDevice dev : group.devices) {
          hwpt.ioas().iopt().enforceDevResvRegions(group.spec.reservedRegions(), dev);
        }
      } catch (KernelException e) {
        removeGroupReserved(group, hwpt);
        throw e;
      }
    }
    try {
      attachGroup(hwpt.domain(), group);
    } catch (KernelException e) {
      // As the kernel does: this also drops the old HWPT's reservations when the IOAS is the
      // same (err_unresv in iommufd_device_do_replace).
      removeGroupReserved(group, hwpt);
      throw e;
    }
    if (newIoas) {
      removeGroupReserved(group, old);
    }
    group.hwpt = hwpt;
    int n = group.devices.size();
    for (int i = 0; i < n; i++) {
      hwpt.addUser();
    }
    for (int i = 1; i < n; i++) {
      old.dropUser();
    }
    return old;
  }

  /**
   * {@code iommu_attach_group_handle} / {@code iommu_replace_group_handle}: allocates the
   * attach handle and asks the group's IOMMU driver, which refuses other hardware's domains.
   */
  private void attachGroup(IommuDomain domain, IommufdGroup group) {
    ctx.host().faults().check(FaultPoint.ALLOC, "iommufd_hwpt_attach_device");
    if (!domain.spec().equals(group.spec)) {
      throw KernelException.of(Errno.EINVAL, "%s cannot attach group %d behind %s", domain,
          group.groupId, group.spec.name());
    }
  }

  private static void removeGroupReserved(IommufdGroup group, HwptPaging hwpt) {
    for (IommufdDevice dev : group.devices) {
      hwpt.ioas().iopt().removeReservedIova(dev);
    }
  }

  /** {@code iommufd_hw_pagetable_put}: automatic HWPTs die with their last device. */
  private void hwptPut(HwptPaging hwpt) {
    if (hwpt.autoDomain()) {
      ctx.objects().putAndTryDestroy(hwpt);
    } else {
      hwpt.dropUser();
    }
  }

  /** {@code iommufd_get_group}: the context's state of the group, created on first use. */
  private IommufdGroup getGroup(int groupId) {
    IommufdGroup group = groups.get(groupId);
    if (group != null) {
      group.refs++;
      return group;
    }
    ctx.host().faults().check(FaultPoint.ALLOC, "iommufd_get_group");
    group = new IommufdGroup(groupId, ctx.host().iommuForGroup(groupId));
    groups.put(groupId, group);
    return group;
  }

  /** {@code iommufd_put_group}. */
  void putGroup(IommufdGroup group) {
    if (--group.refs == 0) {
      if (group.hwpt != null || !group.devices.isEmpty()) {
        ctx.host().log().warn("iommufd_group_release", "group " + group.groupId + " in use");
      }
      groups.remove(group.groupId);
    }
  }

  /**
   * Checks the groups: a group has a HWPT exactly when a device of it is attached, every
   * listed device is attached and bound, and each HWPT has one user per attached device.
   *
   * @throws IllegalStateException naming the first broken invariant
   */
  public void checkInvariants() {
    Map<HwptPaging, Integer> attached = new IdentityHashMap<>();
    for (IommufdGroup group : groups.values()) {
      if ((group.hwpt == null) != group.devices.isEmpty()) {
        throw new IllegalStateException("group " + group.groupId + " hwpt " + group.hwpt
            + " with devices " + group.devices);
      }
      for (IommufdDevice idev : group.devices) {
        if (!idev.attached || idev.group != group) {
          throw new IllegalStateException(idev + " listed in its group but not attached");
        }
        attached.merge(group.hwpt, 1, Integer::sum);
      }
    }
    for (HwptPaging hwpt : ctx.objects().all(HwptPaging.class)) {
      int expected = 1 + attached.getOrDefault(hwpt, 0);
      if (hwpt.users() != expected) {
        throw new IllegalStateException(hwpt + " has " + hwpt.users() + " users, expected "
            + expected);
      }
    }
  }

  /** Whether any group state is left (the kernel WARNs at release otherwise). */
  public boolean hasGroups() {
    return !groups.isEmpty();
  }

  /** Looks up a device by id. */
  public IommufdDevice get(int deviceId) {
    return (IommufdDevice) ctx.objects().get(deviceId, ObjectKind.DEVICE);
  }
}
