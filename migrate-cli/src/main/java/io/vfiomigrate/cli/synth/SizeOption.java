package io.vfiomigrate.cli.synth;

import io.vfiomigrate.cli.UsageException;
import java.util.Locale;

/** Sizes on the command line: bytes, or a number with K, M, G or T (binary units, 1G = 2^30). */
final class SizeOption {
  private SizeOption() {}

  static long parse(String option, String value) {
    String text = value.trim().toUpperCase(Locale.ROOT);
    if (text.endsWith("IB")) {
      text = text.substring(0, text.length() - 2);
    } else if (text.endsWith("B")) {
      text = text.substring(0, text.length() - 1);
    }
    int shift = 0;
    if (!text.isEmpty()) {
      switch (text.charAt(text.length() - 1)) {
        case 'K' -> shift = 10;
        case 'M' -> shift = 20;
        case 'G' -> shift = 30;
        case 'T' -> shift = 40;
        default -> shift = -1;
      }
      if (shift >= 0) {
        text = text.substring(0, text.length() - 1);
      } else {
        shift = 0;
      }
    }
    try {
      long number = Long.parseLong(text.trim());
      if (number < 0 || number > (Long.MAX_VALUE >> shift)) {
        throw new NumberFormatException("out of range");
      }
      return number << shift;
    } catch (NumberFormatException e) {
      throw new UsageException(
          option + ": expected a size such as 4096, 64M, 16G or 1T, got \"" + value + "\"", e);
    }
  }
}
