/**
 * The type1 container API over iommufd, as Linux 6.12 provides it to a VMM that still speaks
 * VFIO type1: the ioctls of the iommufd-provided {@code /dev/vfio/vfio} ({@code vfio_compat.c})
 * and the VFIO group path onto an iommufd ({@code drivers/vfio/group.c},
 * {@code drivers/vfio/iommufd.c}, the iommufd branch of {@code vfio_main.c}).
 *
 * <p>The adapter is thin: each ioctl checks its arguments in the kernel's order and makes the
 * same io_pagetable or device call the kernel makes. Everything else (areas, pages, domains,
 * accesses, accounting) is iommufd-core's. {@link io.vfiomigrate.iommufd.compat.CompatBackend}
 * is the {@code compat} backend of the CLI; {@link
 * io.vfiomigrate.iommufd.compat.IommufdCompatModule} binds its factory.
 */
package io.vfiomigrate.iommufd.compat;
