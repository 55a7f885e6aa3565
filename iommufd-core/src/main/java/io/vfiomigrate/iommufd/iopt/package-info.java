/**
 * The data structures of {@code io_pagetable.c} and {@code pages.c}: the IOVA side
 * ({@link io.vfiomigrate.iommufd.iopt.IoPagetable}, areas, allowed and reserved IOVA, IOVA
 * allocation, splitting) and the PFN side ({@link io.vfiomigrate.iommufd.iopt.IoptPages} with
 * its three tiers, {@code PfnBatch}, {@code PfnReader}, domain and xarray fill/unfill,
 * accounting), with the interval tree and span iterators they rest on. State scales with
 * extents: batches hold PFN runs, domains one entry per map call; only the xarray tier is per
 * page, as in the kernel.
 */
package io.vfiomigrate.iommufd.iopt;
