package io.vfiomigrate.api;

/**
 * A non-empty, inclusive range of u64 addresses {@code [first, last]}. Inclusive ends let a
 * range cover the whole 64-bit space, which {@code [start, end)} cannot.
 */
public record IovaRange(long first, long last) {
  /** The whole 64-bit space. */
  public static final IovaRange ALL = new IovaRange(0, U64.MAX);

  public IovaRange {
    if (U64.greaterThan(first, last)) {
      throw new IllegalArgumentException(
          "range first " + U64.hex(first) + " is above last " + U64.hex(last));
    }
  }

  /**
   * The range {@code [start, start + length)}: EINVAL for a zero length, EOVERFLOW if it wraps
   * past 2^64, as the kernel's checks at ioctl entry do.
   */
  public static IovaRange ofLength(long start, long length) {
    if (length == 0) {
      throw KernelException.of(Errno.EINVAL, "zero length at %s", U64.hex(start));
    }
    if (U64.addOverflows(start, length - 1)) {
      throw KernelException.of(
          Errno.EOVERFLOW, "%s + %s wraps past 2^64", U64.hex(start), U64.hex(length));
    }
    return new IovaRange(start, start + length - 1);
  }

  /** Number of bytes; 0 stands for 2^64 (only {@link #ALL} has it). */
  public long length() {
    return last - first + 1;
  }

  public boolean contains(long address) {
    return U64.lessOrEqual(first, address) && U64.lessOrEqual(address, last);
  }

  public boolean contains(IovaRange other) {
    return contains(other.first) && contains(other.last);
  }

  public boolean intersects(IovaRange other) {
    return U64.lessOrEqual(first, other.last) && U64.lessOrEqual(other.first, last);
  }

  @Override
  public String toString() {
    return "[" + U64.hex(first) + ", " + U64.hex(last) + "]";
  }
}
