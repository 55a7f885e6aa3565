package io.vfiomigrate.cli.plan;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * A byte count in binary units without rounding: {@code 3 GiB + 4 KiB}. A verdict that says "4 KiB
 * short" must not round that away, which {@code HumanFormat.bytes} ("3.0 GiB") would.
 */
final class ExactSize {
  private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

  private ExactSize() {}

  static String of(long bytes) {
    checkArgument(bytes >= 0, "bytes is negative");
    if (bytes == 0) {
      return "0 B";
    }
    StringBuilder text = new StringBuilder();
    for (int unit = UNITS.length - 1; unit >= 0; unit--) {
      long count = (bytes >>> (10 * unit)) & 1023;
      if (count != 0) {
        text.append(text.length() == 0 ? "" : " + ").append(count).append(' ').append(UNITS[unit]);
      }
    }
    return text.toString();
  }
}
