package io.vfiomigrate.cli.importer;

import io.vfiomigrate.api.Errno;

/**
 * Decodes the numbers of log lines, rejecting what C's printf could never have printed for the
 * field: more than 64 bits of hex, ids beyond 32 bits, a NULL pointer where QEMU needs an address.
 */
final class LogNumbers {
  /** How glibc prints a NULL {@code %p}. */
  static final String NIL = "(nil)";

  private LogNumbers() {}

  /** Hex digits without the {@code 0x} (the formats print it; the regexes take it off). */
  static long hex64(String digits) {
    String significant = digits.replaceFirst("^0+(?=.)", "");
    if (significant.length() > 16) {
      throw new BadValueException("0x" + digits + " does not fit in 64 bits");
    }
    return Long.parseUnsignedLong(significant, 16);
  }

  /** A {@code %p} value: {@code 0x…}, or {@code (nil)}, which no map can use. */
  static long pointer(String text) {
    if (text.equals(NIL)) {
      throw new BadValueException("host address is NULL");
    }
    return hex64(text.substring(2));
  }

  /** An id or fd printed with {@code %d} or {@code %u}: 0 to 2^32 - 1. */
  static int id(String digits) {
    try {
      long value = Long.parseLong(digits);
      if (value < 0 || value > 0xffff_ffffL) {
        throw new BadValueException(digits + " is not a 32-bit id");
      }
      return (int) value;
    } catch (NumberFormatException e) {
      throw new BadValueException(digits + " is not a 32-bit id");
    }
  }

  /** A decimal byte count such as an RLIMIT_MEMLOCK value: 0 to 2^64 - 1. */
  static long unsignedDecimal(String digits) {
    try {
      return Long.parseUnsignedLong(digits);
    } catch (NumberFormatException e) {
      throw new BadValueException(digits + " does not fit in 64 bits");
    }
  }

  /** An ioctl return printed with {@code (%d)}: 0 is success, anything else failure. */
  static boolean ok(String ret) {
    return ret.equals("0");
  }

  /** A {@code -E} errno as QEMU prints it in error lines; the model must know its name. */
  static Errno errno(String negative) {
    try {
      int number = Integer.parseInt(negative);
      if (number >= 0) {
        throw new BadValueException("return value " + negative + " is not a negative errno");
      }
      return Errno.fromNumber(number)
          .orElseThrow(
              () -> new BadValueException("errno " + negative + " is not one the model knows"));
    } catch (NumberFormatException e) {
      throw new BadValueException("return value " + negative + " is not an errno");
    }
  }

  /** {@code [first, last]} from a listener line; the end is inclusive and must not be below. */
  static long checkedLast(long first, long last) {
    if (Long.compareUnsigned(last, first) < 0) {
      throw new BadValueException(
          "end 0x" + Long.toHexString(last) + " is below start 0x" + Long.toHexString(first));
    }
    return last;
  }
}
