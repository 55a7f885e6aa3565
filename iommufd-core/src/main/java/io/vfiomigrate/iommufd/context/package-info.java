/**
 * The iommufd context ({@code main.c}): one open {@code /dev/iommu}, its object table with
 * two-phase creation and users counts, its accounting mode, and the native API a replayer
 * drives ({@link io.vfiomigrate.iommufd.context.IommufdContext}). Models Linux 6.12.
 */
package io.vfiomigrate.iommufd.context;
