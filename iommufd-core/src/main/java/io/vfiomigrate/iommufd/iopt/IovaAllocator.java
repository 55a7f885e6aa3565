package io.vfiomigrate.iommufd.iopt;

import io.vfiomigrate.api.Errno;
import io.vfiomigrate.api.KernelException;
import io.vfiomigrate.api.U64;

/**
 * {@code iopt_alloc_iova}: automatic IOVA allocation, first fit. The IOVA keeps the user
 * address's offset in its page and as much of its alignment as the length warrants (up to
 * {@code HPAGE_SIZE}), so huge pages can stay huge in the IOMMU. Only {@code [PAGE_SIZE,
 * ULONG_MAX - PAGE_SIZE]} is searched (IOVA 0 is never returned), inside the allowed ranges
 * if there are any, avoiding reserved ranges and areas.
 */
final class IovaAllocator {
  private IovaAllocator() {}

  /**
   * @param uptr the user address the IOVA's alignment is modelled on
   * @throws KernelException EOVERFLOW for a zero length or one of half the space or more;
   *     EINVAL if the achievable alignment is below the table's; ENOSPC if nothing fits
   */
  static long alloc(IoPagetable iopt, long uptr, long length) {
    long pageOffset = uptr % IoptEnv.PAGE_SIZE;
    if (length == 0 || !U64.lessThan(length, Long.divideUnsigned(U64.MAX, 2))) {
      throw KernelException.of(Errno.EOVERFLOW, "iopt_alloc_iova: length %s", U64.hex(length));
    }
    long alignment = roundupPowOfTwo(length);
    if (uptr != 0) {
      alignment = Math.min(alignment, U64.lowestBit(uptr));
    }
    if (alignment >= IoPagetable.HPAGE_SIZE) {
      alignment = IoPagetable.HPAGE_SIZE;
    }
    if (alignment < iopt.iovaAlignment()) {
      throw KernelException.of(Errno.EINVAL, "iopt_alloc_iova: alignment %d below %d",
          alignment, iopt.iovaAlignment());
    }
    IovaReservations reservations = iopt.reservations();
    boolean anyAllowed = !reservations.allowed().isEmpty();
    for (SpanIterator allowed = new SpanIterator().first(reservations.allowed(),
            IoptEnv.PAGE_SIZE, U64.MAX - IoptEnv.PAGE_SIZE);
        !allowed.done(); allowed.next()) {
      if (anyAllowed && allowed.isHole()) {
        continue;
      }
      long allowedStart = alignedStart(allowed.start(), allowed.last(), length, alignment,
          pageOffset);
      if (allowedStart == -1) {
        continue;
      }
      for (DoubleSpanIterator used = new DoubleSpanIterator().first(reservations.reserved(),
              iopt.areaItree, allowedStart, allowed.last());
          !used.done(); used.next()) {
        if (used.isUsed() != 0) {
          continue;
        }
        long start = alignedStart(used.start(), used.last(), length, alignment, pageOffset);
        if (start != -1) {
          return start;
        }
      }
    }
    throw KernelException.of(Errno.ENOSPC, "iopt_alloc_iova: no room for %s bytes",
        U64.hex(length));
  }

  /**
   * {@code __alloc_iova_check_range}: the aligned start of {@code length} bytes in
   * {@code [start, last]}, or -1 if they do not fit. (-1 is never a valid start here.)
   */
  private static long alignedStart(long start, long last, long length, long alignment,
      long pageOffset) {
    if (U64.addOverflows(start, alignment - 1)) {
      return -1;
    }
    long aligned = ((start + alignment - 1) & -alignment) | pageOffset;
    if (!U64.lessThan(aligned, last) || U64.lessThan(last - aligned, length - 1)) {
      return -1;
    }
    return aligned;
  }

  /** {@code roundup_pow_of_two}. */
  private static long roundupPowOfTwo(long value) {
    return value <= 1 ? 1 : 1L << (64 - Long.numberOfLeadingZeros(value - 1));
  }
}
