package io.vfiomigrate.cli.shadow;

/** Unsigned 64-bit range arithmetic on the trace's {@code (start, length)} pairs. */
public final class Ranges {
  private Ranges() {}

  /**
   * Whether the last byte of {@code [start, start + length)} lies beyond 2^64 - 1: a range may end
   * exactly at the top of the address space, as the kernel's inclusive-last checks allow.
   */
  public static boolean wraps(long start, long length) {
    return length != 0 && Long.compareUnsigned(length - 1, -1L - start) > 0;
  }

  /** Whether {@code mapping} lies inside {@code [first, last]}. */
  public static boolean contains(long first, long last, Mapping mapping) {
    return Long.compareUnsigned(first, mapping.iova()) <= 0
        && Long.compareUnsigned(mapping.last(), last) <= 0;
  }

  /** Whether {@code [aFirst, aLast]} and {@code [bFirst, bLast]} share a byte. */
  public static boolean intersects(long aFirst, long aLast, long bFirst, long bLast) {
    return Long.compareUnsigned(aFirst, bLast) <= 0 && Long.compareUnsigned(bFirst, aLast) <= 0;
  }
}
