package io.vfiomigrate.cli.importer;

import static java.util.Objects.requireNonNull;

import io.vfiomigrate.api.Errno;
import org.jspecify.annotations.Nullable;

/**
 * One recognised line of a QEMU log, with its arguments decoded. Addresses and sizes are unsigned
 * 64-bit values; {@code last} is inclusive (QEMU's listener prints inclusive ends), {@code size} an
 * exclusive length (iommufd prints lengths).
 */
sealed interface LogEvent {
  /** The legacy container backend's listener and device events, for {@link LegacyBackend}. */
  sealed interface Legacy extends LogEvent {}

  /** The iommufd backend's events, for {@link IommufdBackend}. */
  sealed interface Iommufd extends LogEvent {}

  /** {@code vfio_listener_region_add_ram}: QEMU is about to map {@code [iova, last]}. */
  record RamAdd(long iova, long last, long vaddr) implements Legacy {}

  /** {@code vfio_listener_region_del}: QEMU is about to unmap {@code [iova, last]}. */
  record RegionDel(long iova, long last) implements Legacy {}

  /** The skip events, old and new names: a section the listener left alone. */
  record RegionSkip(long iova, long last) implements Legacy {}

  /** {@code vfio_listener_region_add_iommu}: a vIOMMU region; {@code name} empty before 9.1. */
  record IommuRegionAdd(String name, long iova, long last) implements Legacy {
    public IommuRegionAdd {
      requireNonNull(name, "name is null");
    }
  }

  /** {@code vfio_listener_region_del_iommu}: the notifier goes; a region_del line follows. */
  record IommuRegionDel(String name) implements Legacy {
    public IommuRegionDel {
      requireNonNull(name, "name is null");
    }
  }

  /** {@code vfio_iommu_map_notify}: a guest IOTLB change, mapped or unmapped next. */
  record IommuNotify(boolean map, long iova, long last) implements Legacy {}

  /**
   * {@code vfio_listener_region_add_no_dma_map}: the RAM device section just added is not mapped.
   */
  record NoDmaMap(String region, long iova, long size) implements LogEvent {
    public NoDmaMap {
      requireNonNull(region, "region is null");
    }
  }

  /** {@code vfio_realize}, {@code vfio_attach_device}, {@code vfio_device_attach}. */
  record DeviceAttach(String device, int group) implements Legacy {
    public DeviceAttach {
      requireNonNull(device, "device is null");
    }
  }

  /** {@code vfio_detach_device}, {@code vfio_device_detach}. */
  record DeviceDetach(String device, int group) implements Legacy {
    public DeviceDetach {
      requireNonNull(device, "device is null");
    }
  }

  /** The legacy close events (group and container fds): a detach in progress is complete. */
  record LegacyClose() implements Legacy {}

  /** {@code iommufd_backend_alloc_ioas} or {@code iommufd_cdev_alloc_ioas}. */
  record IoasAlloc(int iommufd, int ioas, boolean ok) implements Iommufd {}

  /** {@code iommufd_backend_alloc_hwpt}: {@code hwpt} sits on {@code parent} (an IOAS or HWPT). */
  record HwptAlloc(int iommufd, int parent, int hwpt, boolean ok) implements Iommufd {}

  /** {@code iommufd_backend_map_dma}. */
  record IoasMap(
      int iommufd, int ioas, long iova, long size, long vaddr, boolean readonly, boolean ok)
      implements Iommufd {}

  /** {@code iommufd_backend_map_file_dma}: {@code start} is the offset in file {@code fd}. */
  record IoasMapFile(
      int iommufd, int ioas, long iova, long size, int fd, long start, boolean readonly, boolean ok)
      implements Iommufd {}

  /** {@code iommufd_backend_unmap_dma}, or {@code …_non_exist} (the kernel said ENOENT). */
  record IoasUnmap(int iommufd, int ioas, long iova, long size, boolean ok, boolean nonexistent)
      implements Iommufd {}

  /** {@code iommufd_backend_free_id}: IOMMU_DESTROY of an IOAS or HWPT. */
  record IdFreed(int iommufd, int id, boolean ok) implements Iommufd {}

  /** {@code iommufd_cdev_attach_ioas_hwpt}: {@code id} is an IOAS or HWPT. */
  record CdevAttach(int iommufd, String device, int id) implements Iommufd {
    public CdevAttach {
      requireNonNull(device, "device is null");
    }
  }

  /** {@code iommufd_cdev_detach_ioas_hwpt}. */
  record CdevDetach(int iommufd, String device) implements Iommufd {
    public CdevDetach {
      requireNonNull(device, "device is null");
    }
  }

  /**
   * A QEMU error line that names the failed request, {@code vfio_(container_)dma_(un)map(…) = -E};
   * {@code setupGroup} is N of the "failed to setup container for group N" wrapper.
   */
  record RequestFailed(boolean map, long iova, long size, Errno errno, @Nullable Integer setupGroup)
      implements LogEvent {
    public RequestFailed {
      requireNonNull(errno, "errno is null");
    }
  }

  /**
   * A QEMU error line printed right after the failing ioctl, without addresses ({@code VFIO_MAP_DMA
   * failed: …}, {@code IOMMU_IOAS_MAP failed: …}); {@code byNumber} when the line carried the
   * number rather than strerror text; {@code pciBar} for iommufd's EFAULT hint.
   */
  record LastRequestFailed(boolean map, Errno errno, boolean byNumber, boolean pciBar)
      implements LogEvent {
    public LastRequestFailed {
      requireNonNull(errno, "errno is null");
    }
  }

  /** The kernel's {@code RLIMIT_MEMLOCK (N) exceeded}; {@code pid} when the line names a task. */
  record MemlockExceeded(long bytes, @Nullable Integer pid) implements LogEvent {}
}
