package io.vfiomigrate.api;

/**
 * The driver of an emulated device: the {@code dma_unmap} callback of {@code struct
 * vfio_device_ops}. A backend calls it when user space unmaps IOVA that the driver may hold
 * pins in; a correct driver unpins everything it holds in {@code [iova, iova + length)}
 * before returning.
 */
@FunctionalInterface
public interface MdevDriver {
  void dmaUnmap(VfioDevice device, long iova, long length);
}
