package io.vfiomigrate.api;

import io.vfiomigrate.host.Task;

/**
 * The type1 container API a VMM uses: an open {@code /dev/vfio/vfio} file, its groups and its
 * ioctls. Implemented natively by type1-legacy and by the vfio_compat adapter over iommufd.
 *
 * <p>Methods that the kernel runs in the caller's context take the calling {@link Task}
 * ("current"): its mm is pinned from and its RLIMIT_MEMLOCK and capabilities are checked.
 * Every method is all-or-nothing unless its documentation says otherwise (compat unmap is not
 * atomic, as in the kernel). Failures throw {@link KernelException} with the kernel's errno.
 */
public interface Type1Container {
  /** VFIO_CHECK_EXTENSION: 1 if supported, 0 if not. */
  int checkExtension(VfioExtension extension);

  /** VFIO_SET_IOMMU: selects the backend type; groups already present are attached now. */
  void setIommu(Task current, IommuType type);

  /** VFIO_IOMMU_GET_INFO with a caller buffer of {@code argsz} bytes. */
  IommuInfo getInfo(Task current, int argsz);

  /** VFIO_IOMMU_MAP_DMA. */
  void mapDma(Task current, DmaMapRequest request);

  /**
   * VFIO_IOMMU_UNMAP_DMA.
   *
   * @return the unmapped size the kernel writes back
   * @throws KernelException on failure; {@link KernelException#partialResult()} holds the size
   *     written back anyway where the kernel writes one
   */
  long unmapDma(Task current, DmaUnmapRequest request);

  /** VFIO_GROUP_SET_CONTAINER for a group of physical devices behind an IOMMU. */
  void attachIommuGroup(Task current, int groupId);

  /**
   * VFIO_GROUP_SET_CONTAINER for the group of an emulated device, whose driver's dma_unmap
   * callback is {@code driver}.
   *
   * @return the device through which the driver pins pages
   */
  VfioDevice attachEmulatedGroup(Task current, int groupId, MdevDriver driver);

  /** VFIO_GROUP_UNSET_CONTAINER. */
  void detachGroup(Task current, int groupId);

  /** Release of the container fd: detaches every group and drops every mapping. Never fails. */
  void close();
}
