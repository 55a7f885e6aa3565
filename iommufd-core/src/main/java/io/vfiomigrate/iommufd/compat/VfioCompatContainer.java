package io.vfiomigrate.iommufd.compat;

import static java.util.Objects.requireNonNull;

import io.vfiomigrate.api.DmaMapRequest;
import io.vfiomigrate.api.DmaUnmapRequest;
import io.vfiomigrate.api.Errno;
import io.vfiomigrate.api.IommuInfo;
import io.vfiomigrate.api.IommuType;
import io.vfiomigrate.api.KernelException;
import io.vfiomigrate.api.MdevDriver;
import io.vfiomigrate.api.Prot;
import io.vfiomigrate.api.Type1Container;
import io.vfiomigrate.api.VfioDevice;
import io.vfiomigrate.api.VfioExtension;
import io.vfiomigrate.host.Task;
import io.vfiomigrate.iommufd.context.IommufdContext;
import io.vfiomigrate.iommufd.device.HwptPaging;
import io.vfiomigrate.iommufd.iopt.IoPagetable;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The iommufd-provided {@code /dev/vfio/vfio} (CONFIG_IOMMUFD_VFIO_CONTAINER): an iommufd
 * context in MM accounting mode whose type1 ioctls {@code iommufd_vfio_ioctl} serves on the
 * compat IOAS (spec B.7), and the groups set on it ({@code vfio_group_ioctl_set_container} with
 * an iommufd, spec B.8).
 *
 * <ul>
 *   <li>The compat IOAS is created when the first group is set and reused afterwards; it
 *       outlives its groups (a later MAP of the same IOVA is EEXIST; a re-attached device's new
 *       domain re-pins its areas) and goes away with the container.
 *   <li>Every ioctl but CHECK_EXTENSION needs it (ENODEV before the first group); none needs
 *       VFIO_SET_IOMMU, which only picks v1 (large pages disabled) or v2 and may be repeated.
 *   <li>UNMAP_DMA is not atomic: areas removed before a failure stay removed, and the bytes
 *       they held are written back with the error ({@link KernelException#partialResult()}).
 * </ul>
 *
 * <p>Invariants: each group is owned by this container in the backend; each group's device is
 * open and attached; after close nothing is left but what a buggy driver leaked.
 */
final class VfioCompatContainer implements Type1Container {
  private static final int MAP_FLAGS = DmaMapRequest.FLAG_READ | DmaMapRequest.FLAG_WRITE;

  private final CompatBackend backend;
  private final int id;
  private final IommufdContext ictx;
  /** The groups set on the container, most recently added first. */
  private final List<CompatGroup> groups = new ArrayList<>();
  private boolean closed;

  VfioCompatContainer(CompatBackend backend, int id) {
    this.backend = requireNonNull(backend, "backend is null");
    this.id = id;
    this.ictx = IommufdContext.openVfioContainer(backend.host());
  }

  int id() {
    return id;
  }

  IommufdContext ictx() {
    return ictx;
  }

  List<CompatGroup> groups() {
    return List.copyOf(groups);
  }

  boolean closed() {
    return closed;
  }

  /**
   * {@code iommufd_vfio_check_extension}.
   *
   * @throws KernelException ENODEV for DMA_CC_IOMMU without a compat IOAS
   */
  @Override
  public int checkExtension(VfioExtension extension) {
    requireOpen();
    return switch (requireNonNull(extension, "extension is null")) {
      case TYPE1_IOMMU, TYPE1V2_IOMMU, UNMAP_ALL -> ictx.noIommuMode() ? 0 : 1;
      case DMA_CC_IOMMU -> ictx.compatIoas().hwpts().stream()
          .allMatch(HwptPaging::enforceCacheCoherency) ? 1 : 0;
      // TYPE1_NESTING is obsolete; UPDATE_VADDR "is hard to see how this could be implemented
      // safely"; NOIOMMU is IS_ENABLED(CONFIG_VFIO_NOIOMMU), off in the model (no such groups).
      case TYPE1_NESTING_IOMMU, UPDATE_VADDR, NOIOMMU_IOMMU, SPAPR_TCE_IOMMU, EEH,
          SPAPR_TCE_V2_IOMMU -> 0;
    };
  }

  /**
   * {@code iommufd_vfio_set_iommu}: TYPE1 emulates v1 by disabling large pages, so that any
   * area can be split later; TYPE1v2 changes nothing. May be repeated.
   *
   * @throws KernelException EINVAL in no-iommu mode; ENODEV without a compat IOAS; EINVAL for
   *     TYPE1 once domains hold mappings; EADDRINUSE for mappings not page aligned
   */
  @Override
  public void setIommu(Task current, IommuType type) {
    requireOpen();
    requireNonNull(type, "type is null");
    if (ictx.noIommuMode()) {
      throw KernelException.of(Errno.EINVAL, "iommufd_vfio_set_iommu: no-iommu mode");
    }
    IoPagetable iopt = ictx.compatIoas().iopt();
    if (type == IommuType.TYPE1) {
      iopt.disableLargePages();
    }
  }

  /**
   * {@code iommufd_vfio_iommu_get_info}; see {@link CompatInfo}.
   *
   * @throws KernelException EINVAL for an {@code argsz} without room for the page sizes;
   *     ENODEV without a compat IOAS
   */
  @Override
  public IommuInfo getInfo(Task current, int argsz) {
    requireOpen();
    CompatInfo.checkArgsz(argsz);
    return CompatInfo.getInfo(ictx.compatIoas().iopt(), argsz);
  }

  /**
   * {@code iommufd_vfio_map_dma}: {@code iopt_map_user_pages} at the fixed IOVA, charged to
   * {@code current}'s mm (MM mode, or none with CAP_IPC_LOCK). Neither READ nor WRITE is
   * required; a domain whose driver refuses maps without permissions fails them.
   *
   * @throws KernelException EINVAL for a short {@code argsz} or flags other than READ and WRITE
   *     (VADDR included); ENODEV without a compat IOAS; then the errors of
   *     {@link IoPagetable#mapUserPages} (EINVAL, EOVERFLOW, EEXIST, EPERM, EFAULT, ENOMEM)
   */
  @Override
  public void mapDma(Task current, DmaMapRequest request) {
    requireOpen();
    requireNonNull(current, "current is null");
    if (Integer.compareUnsigned(request.argsz(), DmaMapRequest.MIN_ARGSZ) < 0
        || (request.flags() & ~MAP_FLAGS) != 0) {
      throw KernelException.of(Errno.EINVAL, "iommufd_vfio_map_dma: argsz %d flags %#x",
          Integer.toUnsignedLong(request.argsz()), request.flags());
    }
    IoPagetable iopt = ictx.compatIoas().iopt();
    iopt.mapUserPages(current, ictx.accountMode(), request.iova(), request.vaddr(),
        request.size(), new Prot(request.read(), request.write()), false);
  }

  /**
   * {@code iommufd_vfio_unmap_dma}. With large pages disabled (v1) the areas are first cut at
   * both ends of the request, so exactly the request is unmapped; otherwise an area that
   * straddles either end fails the unmap with ENOENT, after the areas before it were removed.
   * An empty range unmaps 0 bytes (the 6.12.y stable fix).
   *
   * @return the bytes unmapped
   * @throws KernelException EINVAL for a short {@code argsz} or flags other than ALL (dirty
   *     bitmap and VADDR included); ENODEV without a compat IOAS; EINVAL for ALL with an iova
   *     or size; EINVAL, ENOMEM, EBUSY from a cut, which stays made; these carry no written
   *     back size. Then the errors of {@link IoPagetable#unmapIova} (EINVAL for size 0,
   *     EOVERFLOW, ENOENT, EBUSY, EDEADLOCK), which carry the bytes unmapped before them.
   */
  @Override
  public long unmapDma(Task current, DmaUnmapRequest request) {
    requireOpen();
    if (Integer.compareUnsigned(request.argsz(), DmaUnmapRequest.MIN_ARGSZ) < 0
        || (request.flags() & ~DmaUnmapRequest.FLAG_ALL) != 0) {
      throw KernelException.of(Errno.EINVAL, "iommufd_vfio_unmap_dma: argsz %d flags %#x",
          Integer.toUnsignedLong(request.argsz()), request.flags());
    }
    IoPagetable iopt = ictx.compatIoas().iopt();
    if (request.allFlag()) {
      if (request.iova() != 0 || request.size() != 0) {
        throw KernelException.of(Errno.EINVAL, "iommufd_vfio_unmap_dma: ALL with iova or size");
      }
      return writtenBack(iopt::unmapAll);
    }
    if (iopt.largePagesDisabled()) {
      // Unsigned arithmetic as the kernel's: a wrapping last byte is cut where it wraps to.
      long last = request.iova() + request.size() - 1;
      if (request.iova() != 0) {
        iopt.cutIova(last, request.iova() - 1);
      } else {
        iopt.cutIova(last);
      }
    }
    return writtenBack(() -> iopt.unmapIova(request.iova(), request.size()));
  }

  /**
   * VFIO_GROUP_SET_CONTAINER, then opening the group's device: it is bound and attached to
   * the compat IOAS through an automatic domain, which pins and charges every area now. If
   * the device cannot be opened the group is unset again; the compat IOAS it created stays.
   */
  @Override
  public void attachIommuGroup(Task current, int groupId) {
    attach(current, groupId, () -> CompatGroup.Physical.open(ictx, groupId));
  }

  /**
   * VFIO_GROUP_SET_CONTAINER, then opening the emulated device: its access is attached to the
   * compat IOAS. If that fails the group is unset again; the compat IOAS it created stays.
   *
   * @return the device, whose pins follow {@code vfio_pin_pages} on iommufd (spec B.8)
   */
  @Override
  public VfioDevice attachEmulatedGroup(Task current, int groupId, MdevDriver driver) {
    requireNonNull(driver, "driver is null");
    CompatGroup.Emulated group = (CompatGroup.Emulated) attach(current, groupId,
        () -> CompatGroup.Emulated.open(ictx, groupId, driver, current));
    return group.device();
  }

  /**
   * Closing the group's device, then VFIO_GROUP_UNSET_CONTAINER
   * ({@code vfio_group_ioctl_unset_container}). The compat IOAS and its areas stay; the last
   * domain leaving unpins and uncharges them.
   *
   * @throws KernelException EINVAL if the group is not set on this container
   */
  @Override
  public void detachGroup(Task current, int groupId) {
    requireOpen();
    for (CompatGroup group : groups) {
      if (group.groupId() == groupId) {
        detach(group);
        return;
      }
    }
    throw KernelException.of(Errno.EINVAL, "vfio_group_ioctl_unset_container: group %d is not"
        + " in container %d", groupId, id);
  }

  /**
   * Closes every group's device, newest first, then releases the iommufd
   * ({@code iommufd_fops_release}): the compat IOAS and its areas go away. Pins a buggy driver
   * kept are leaked with kernel warnings. Never fails.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    while (!groups.isEmpty()) {
      detach(groups.get(0));
    }
    ictx.close();
    closed = true;
    backend.containerClosed(this);
  }

  /** How a group's device is opened once the group is set on the container. */
  @FunctionalInterface
  private interface DeviceOpener {
    CompatGroup open();
  }

  /**
   * {@code vfio_group_ioctl_set_container} with an iommufd: a group can be set on one
   * container at a time; {@code iommufd_vfio_compat_ioas_create} makes the compat IOAS unless
   * one exists.
   */
  private CompatGroup attach(Task current, int groupId, DeviceOpener opener) {
    requireOpen();
    requireNonNull(current, "current is null");
    if (backend.registry().groupOwner(groupId).isPresent()) {
      throw KernelException.of(Errno.EINVAL, "vfio_group_ioctl_set_container: group %d already"
          + " has a container", groupId);
    }
    ictx.compatIoasCreate();
    CompatGroup group = opener.open();
    groups.add(0, group);
    backend.registry().claimGroup(groupId, this);
    return group;
  }

  private void detach(CompatGroup group) {
    group.close();
    groups.remove(group);
    backend.registry().releaseGroup(group.groupId());
  }

  /**
   * {@code unmap.size = unmapped; copy_to_user(...)}: when {@code iopt_unmap_iova} or
   * {@code iopt_unmap_all} fails, the bytes it unmapped before failing (0 for its argument
   * checks) are still written back.
   */
  private static long writtenBack(LongSupplier unmap) {
    try {
      return unmap.getAsLong();
    } catch (KernelException e) {
      throw e.partialResult().isPresent() ? e : e.withPartialResult(0);
    }
  }

  private void requireOpen() {
    if (closed) {
      throw KernelException.of(Errno.EBADF, "container %d is closed", id);
    }
  }

  @Override
  public String toString() {
    return "compat container " + id;
  }
}
