package io.vfiomigrate.api;

/**
 * Unsigned 64-bit helpers. IOVAs, user addresses and byte sizes are u64 values held in a
 * {@code long}: never compare them with {@code <}. Page and pin counts are ordinary signed
 * longs.
 */
public final class U64 {
  /** ULONG_MAX / U64_MAX. */
  public static final long MAX = -1L;

  private U64() {}

  public static int compare(long a, long b) {
    return Long.compareUnsigned(a, b);
  }

  public static boolean lessThan(long a, long b) {
    return Long.compareUnsigned(a, b) < 0;
  }

  public static boolean lessOrEqual(long a, long b) {
    return Long.compareUnsigned(a, b) <= 0;
  }

  public static boolean greaterThan(long a, long b) {
    return Long.compareUnsigned(a, b) > 0;
  }

  public static long min(long a, long b) {
    return lessThan(a, b) ? a : b;
  }

  public static long max(long a, long b) {
    return lessThan(a, b) ? b : a;
  }

  /** True if {@code a + b} wraps past 2^64 (check_add_overflow on unsigned values). */
  public static boolean addOverflows(long a, long b) {
    return Long.compareUnsigned(a + b, a) < 0;
  }

  /**
   * True if {@code [start, start + length)} is empty or its inclusive last address wraps: the
   * kernel's {@code !length || check_add_overflow(start, length - 1, &last)}.
   */
  public static boolean lastOverflows(long start, long length) {
    return length == 0 || addOverflows(start, length - 1);
  }

  public static boolean isAligned(long value, long alignment) {
    return (value & (alignment - 1)) == 0;
  }

  public static long alignDown(long value, long alignment) {
    return value & -alignment;
  }

  /** Rounds up to a power-of-two alignment; wraps like the kernel's ALIGN on overflow. */
  public static long alignUp(long value, long alignment) {
    return (value + alignment - 1) & -alignment;
  }

  /** Lowest set bit, as {@code 1 << __ffs(value)}; 0 for 0. */
  public static long lowestBit(long value) {
    return Long.lowestOneBit(value);
  }

  public static String hex(long value) {
    return "0x" + Long.toHexString(value);
  }

  public static String toString(long value) {
    return Long.toUnsignedString(value);
  }
}
