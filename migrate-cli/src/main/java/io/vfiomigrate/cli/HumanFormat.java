package io.vfiomigrate.cli;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * Numbers for people. Every {@code long} here is an unsigned 64-bit value (sizes, addresses, limits
 * from the traces), so values above 2^63 print as large positive numbers.
 */
public final class HumanFormat {
  private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  private static final BigInteger KIB = BigInteger.valueOf(1024);

  private HumanFormat() {}

  /** {@code 0x7f0000000000}: lowercase, no padding. */
  public static String hex(long value) {
    return "0x" + Long.toHexString(value);
  }

  /** {@code [0x100000, 0x1fffff]}: an inclusive range of addresses. */
  public static String range(long first, long last) {
    return "[" + hex(first) + ", " + hex(last) + "]";
  }

  /** The unsigned decimal form. */
  public static String u64(long value) {
    return Long.toUnsignedString(value);
  }

  /** The unsigned decimal form. */
  public static String u32(int value) {
    return Integer.toUnsignedString(value);
  }

  /**
   * Binary units: {@code 512 B}, {@code 64 MiB}, {@code 1.5 GiB}. Exact multiples print as
   * integers; anything else with one decimal, rounded half up, so "1.0 GiB" means "about".
   */
  public static String bytes(long size) {
    BigInteger value = new BigInteger(Long.toUnsignedString(size));
    int unit = 0;
    BigInteger scale = BigInteger.ONE;
    while (unit < UNITS.length - 1 && value.compareTo(scale.multiply(KIB)) >= 0) {
      scale = scale.multiply(KIB);
      unit++;
    }
    if (value.mod(scale).signum() == 0) {
      return value.divide(scale) + " " + UNITS[unit];
    }
    BigDecimal scaled =
        new BigDecimal(value).divide(new BigDecimal(scale), 1, RoundingMode.HALF_UP);
    if (scaled.compareTo(BigDecimal.valueOf(1024)) >= 0 && unit < UNITS.length - 1) {
      scaled = scaled.divide(BigDecimal.valueOf(1024), 1, RoundingMode.HALF_UP);
      unit++;
    }
    return scaled.toPlainString() + " " + UNITS[unit];
  }

  /** {@code 64 MiB (67108864 bytes)}. */
  public static String bytesExact(long size) {
    return bytes(size) + " (" + u64(size) + (size == 1 ? " byte)" : " bytes)");
  }

  /** {@code 1.5 GiB (393216 pages)}, or {@code 6 KiB (1 page + 2048 B)} when not a multiple. */
  public static String sizeWithPages(long size, long pageSize) {
    long pages = Long.divideUnsigned(size, pageSize);
    long rest = Long.remainderUnsigned(size, pageSize);
    String count = u64(pages) + (pages == 1 ? " page" : " pages");
    return bytes(size) + " (" + count + (rest == 0 ? "" : " + " + u64(rest) + " B") + ")";
  }
}
