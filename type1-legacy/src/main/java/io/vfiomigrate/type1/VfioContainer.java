package io.vfiomigrate.type1;

import static java.util.Objects.requireNonNull;

import io.vfiomigrate.api.DmaMapRequest;
import io.vfiomigrate.api.DmaUnmapRequest;
import io.vfiomigrate.api.Errno;
import io.vfiomigrate.api.IommuInfo;
import io.vfiomigrate.api.IommuType;
import io.vfiomigrate.api.KernelException;
import io.vfiomigrate.api.MdevDriver;
import io.vfiomigrate.api.Type1Container;
import io.vfiomigrate.api.VfioDevice;
import io.vfiomigrate.api.VfioExtension;
import io.vfiomigrate.host.FaultPoint;
import io.vfiomigrate.host.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An open {@code /dev/vfio/vfio}: {@code struct vfio_container} and the plumbing of {@code
 * container.c} and {@code group.c} around the type1 backend.
 *
 * <ul>
 *   <li>Groups may join before VFIO_SET_IOMMU (they are attached to the backend when it is
 *       selected, newest first as the kernel walks {@code group_list}) or after (attached at
 *       once).
 *   <li>Every backend ioctl fails with EINVAL until VFIO_SET_IOMMU.
 *   <li>Detaching the last group releases the backend: the container is unset again.
 *   <li>An emulated group's device is open (registered for dma_unmap) while the container has a
 *       backend; detaching the group closes it first, as user space closes the device fd before
 *       the group.
 * </ul>
 *
 * <p>Invariants: {@code iommu != null} implies groups are present and each is attached to it;
 * an emulated device is open exactly when {@code iommu != null}.
 */
final class VfioContainer implements Type1Container {
  private final Type1Backend backend;
  private final int id;
  /** {@code group_list}, most recently added first. */
  private final List<ContainerGroup> groups = new ArrayList<>();
  private VfioIommu iommu;
  private boolean closed;

  VfioContainer(Type1Backend backend, int id) {
    this.backend = requireNonNull(backend, "backend is null");
    this.id = id;
  }

  int id() {
    return id;
  }

  /** The backend state, if VFIO_SET_IOMMU was done. */
  Optional<VfioIommu> iommu() {
    return Optional.ofNullable(iommu);
  }

  List<ContainerGroup> groups() {
    return List.copyOf(groups);
  }

  @Override
  public int checkExtension(VfioExtension extension) {
    requireOpen();
    return VfioIommu.checkExtension(iommu, requireNonNull(extension, "extension is null"));
  }

  /**
   * {@code vfio_ioctl_set_iommu}: opens the type1 backend and attaches every group; if one
   * fails, the ones attached before it are detached again and the backend is dropped.
   */
  @Override
  public void setIommu(Task current, IommuType type) {
    requireOpen();
    requireNonNull(current, "current is null");
    requireNonNull(type, "type is null");
    if (groups.isEmpty() || iommu != null) {
      throw KernelException.of(Errno.EINVAL, "vfio_ioctl_set_iommu: container %d %s", id,
          iommu != null ? "already has a backend" : "has no group");
    }
    backend.host().faults().check(FaultPoint.ALLOC, "vfio_iommu_type1_open: kzalloc(vfio_iommu)");
    VfioIommu candidate = new VfioIommu(backend.host(), type == IommuType.TYPE1V2,
        backend.leaks());
    int attached = 0;
    try {
      for (; attached < groups.size(); attached++) {
        ContainerGroup group = groups.get(attached);
        candidate.attachGroup(current, group.id(), group.kind());
      }
    } catch (KernelException e) {
      for (int j = attached - 1; j >= 0; j--) {
        candidate.detachGroup(groups.get(j).id());
      }
      candidate.release();
      throw e;
    }
    iommu = candidate;
    for (int i = groups.size() - 1; i >= 0; i--) {
      groups.get(i).device().ifPresent(device -> device.open(candidate));
    }
  }

  @Override
  public IommuInfo getInfo(Task current, int argsz) {
    return backendState("VFIO_IOMMU_GET_INFO").getInfo(argsz);
  }

  @Override
  public void mapDma(Task current, DmaMapRequest request) {
    requireNonNull(current, "current is null");
    requireNonNull(request, "request is null");
    backendState("VFIO_IOMMU_MAP_DMA").mapDma(current, request);
  }

  @Override
  public long unmapDma(Task current, DmaUnmapRequest request) {
    requireNonNull(request, "request is null");
    return backendState("VFIO_IOMMU_UNMAP_DMA").unmapDma(request);
  }

  @Override
  public void attachIommuGroup(Task current, int groupId) {
    attach(current, ContainerGroup.iommu(groupId));
  }

  @Override
  public VfioDevice attachEmulatedGroup(Task current, int groupId, MdevDriver driver) {
    EmulatedDevice device = new EmulatedDevice(groupId, driver, backend.host().log());
    attach(current, ContainerGroup.emulated(device));
    return device;
  }

  /** VFIO_GROUP_UNSET_CONTAINER: {@code vfio_group_detach_container}. */
  @Override
  public void detachGroup(Task current, int groupId) {
    requireOpen();
    for (ContainerGroup group : groups) {
      if (group.id() == groupId) {
        detach(group);
        return;
      }
    }
    throw KernelException.of(Errno.EINVAL, "vfio_group_ioctl_unset_container: group %d is not in"
        + " container %d", groupId, id);
  }

  /**
   * Detaches every group, newest first; the last one releases the backend. A driver is
   * expected to have released its pins before its device closes (a real driver's close_device
   * does); pins it still holds are freed with their dma by {@code vfio_remove_dma}, which warns
   * and leaks them as the kernel does (see {@link KernelLeaks}).
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    while (!groups.isEmpty()) {
      detach(groups.get(0));
    }
    closed = true;
    backend.registry().closed(this);
  }

  boolean closed() {
    return closed;
  }

  /**
   * VFIO_GROUP_SET_CONTAINER: {@code vfio_group_ioctl_set_container} and {@code
   * vfio_container_attach_group}. A group can be in one container at a time.
   */
  private void attach(Task current, ContainerGroup group) {
    requireOpen();
    requireNonNull(current, "current is null");
    if (backend.registry().groupOwner(group.id()).isPresent()) {
      throw KernelException.of(Errno.EINVAL, "vfio_group_ioctl_set_container: group %d is"
          + " already in a container", group.id());
    }
    if (iommu != null) {
      iommu.attachGroup(current, group.id(), group.kind());
    }
    groups.add(0, group);
    backend.registry().claimGroup(group.id(), this);
    if (iommu != null) {
      group.device().ifPresent(device -> device.open(iommu));
    }
  }

  private void detach(ContainerGroup group) {
    group.device().ifPresent(EmulatedDevice::close);
    if (iommu != null) {
      iommu.detachGroup(group.id());
    }
    groups.remove(group);
    backend.registry().releaseGroup(group.id());
    if (iommu != null && groups.isEmpty()) {
      // The last group leaving deprivileges the container: the backend goes away.
      iommu.release();
      iommu = null;
    }
  }

  private VfioIommu backendState(String ioctl) {
    requireOpen();
    if (iommu == null) {
      throw KernelException.of(Errno.EINVAL, "vfio_fops_unl_ioctl: %s on container %d before"
          + " VFIO_SET_IOMMU", ioctl, id);
    }
    return iommu;
  }

  private void requireOpen() {
    if (closed) {
      throw KernelException.of(Errno.EBADF, "container %d is closed", id);
    }
  }
}
