package io.vfiomigrate.api;

/**
 * The pin API of an emulated (mdev) device, as its driver sees it in {@code vfio_main.c}:
 * vfio_pin_pages, vfio_unpin_pages and vfio_dma_rw, routed to whichever backend the device's
 * group is attached to.
 */
public interface VfioDevice {
  /** The group this device is the only member of. */
  int groupId();

  /**
   * vfio_pin_pages: pins {@code npage} pages of guest IOVA starting at {@code iova} for the
   * driver and returns their page frames. All or nothing: on failure nothing stays pinned.
   *
   * @throws KernelException with the backend's errno
   */
  PinnedPages pinPages(long iova, int npage, Prot prot);

  /**
   * vfio_unpin_pages: releases an earlier pin. Returns nothing, like the kernel: a range the
   * backend holds no such pin for is ignored or, where the kernel warns (type1: no mapping at
   * the IOVA; iommufd: no exactly matching pinned range), logged in the host's
   * {@code KernelLog}.
   */
  void unpinPages(long iova, int npage);

  /**
   * vfio_dma_rw: the driver reads or writes {@code length} bytes of guest memory through the
   * IOVA space, without keeping any pin and without changing accounting.
   *
   * @throws KernelException with the backend's errno
   */
  void dmaRw(long iova, long length, boolean write);
}
