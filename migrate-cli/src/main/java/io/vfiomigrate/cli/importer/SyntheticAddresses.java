package io.vfiomigrate.cli.importer;

import java.util.OptionalLong;

/**
 * Host addresses for maps whose log line has none, chosen above 2^62, where no x86-64 process (at
 * most 57-bit addresses) has memory, so they never collide with a real one.
 *
 * <ul>
 *   <li>vIOMMU maps ({@code vfio_iommu_map_notify MAP}) name only the IOVA, not the guest page
 *       behind it: IOVA {@code x} gets {@code 2^63 + x}, in every container, so the sizes (and so
 *       the accounting) are right but which pages are shared is a guess;
 *   <li>iommufd file maps ({@code iommufd_backend_map_file_dma}, memfd-backed RAM, QEMU 10.1+) name
 *       a file and an offset: file slot {@code n} (each fd of a process in order of first use) at
 *       offset {@code s} gets {@code 2^62 + n × 2^52 + s}, so the same file pages map to the same
 *       addresses in every IOAS.
 * </ul>
 */
final class SyntheticAddresses {
  static final long VIOMMU_BASE = 1L << 63;
  static final long FILE_BASE = 1L << 62;
  static final int FILE_SLOT_SHIFT = 52;

  /** Slots 0 to 1023 fit between 2^62 and 2^63. */
  static final int FILE_SLOTS = 1 << (62 - FILE_SLOT_SHIFT);

  private SyntheticAddresses() {}

  /** Empty when the range does not fit below 2^63. */
  static OptionalLong viommu(long iova, long size) {
    return AddressRanges.fits(iova, size) && Long.compareUnsigned(iova + size - 1, VIOMMU_BASE) < 0
        ? OptionalLong.of(VIOMMU_BASE + iova)
        : OptionalLong.empty();
  }

  /** Empty when the slot is beyond the last or the range does not fit in the slot's 4 PiB. */
  static OptionalLong file(int slot, long start, long size) {
    long slotSize = 1L << FILE_SLOT_SHIFT;
    return slot < FILE_SLOTS
            && AddressRanges.fits(start, size)
            && Long.compareUnsigned(start + size - 1, slotSize) < 0
        ? OptionalLong.of(FILE_BASE + ((long) slot << FILE_SLOT_SHIFT) + start)
        : OptionalLong.empty();
  }
}
