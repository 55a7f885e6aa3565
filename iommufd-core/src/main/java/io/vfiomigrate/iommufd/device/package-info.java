/**
 * Devices and accesses ({@code device.c}, {@code hw_pagetable.c}, and the VFIO side in
 * {@code drivers/vfio/iommufd.c}): physical devices attached through automatic domains, HWPT
 * life cycles, and in-kernel accesses with their unmap callback.
 */
package io.vfiomigrate.iommufd.device;
