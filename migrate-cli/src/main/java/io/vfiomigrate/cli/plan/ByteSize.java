package io.vfiomigrate.cli.plan;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableMap;
import io.vfiomigrate.cli.UsageException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the byte sizes of command-line options: {@code 4096}, {@code 0x1000}, {@code 512MiB},
 * {@code 8GiB}, {@code 8G}.
 *
 * <p>Units are binary whatever their spelling ({@code K}, {@code KiB}; {@code M}, {@code MiB};
 * ...), as in QEMU's {@code -m 8G} and libvirt's {@code unit='GiB'}. {@code KB}, {@code MB}, {@code
 * GB} and {@code TB} are refused rather than guessed: they mean powers of ten in some tools and of
 * two in others, and a memlock limit that is 7% off changes which maps fail.
 */
public final class ByteSize {
  private static final Pattern DECIMAL = Pattern.compile("(\\d+)\\s*([A-Za-z]*)");
  private static final Pattern HEX = Pattern.compile("0[xX]([0-9a-fA-F]+)");
  private static final ImmutableMap<String, Integer> SHIFTS =
      ImmutableMap.<String, Integer>builder()
          .put("", 0)
          .put("b", 0)
          .put("k", 10)
          .put("kib", 10)
          .put("m", 20)
          .put("mib", 20)
          .put("g", 30)
          .put("gib", 30)
          .put("t", 40)
          .put("tib", 40)
          .buildOrThrow();
  private static final String EXAMPLES = "e.g. 4096, 0x1000, 512MiB, 8GiB";

  private ByteSize() {}

  /**
   * @param option the option being parsed, for the message, e.g. {@code --memlock}
   * @return the size in bytes, at most 2^63 - 1
   * @throws UsageException naming {@code option} if {@code text} is not a size
   */
  public static long parse(String option, String text) {
    requireNonNull(option, "option is null");
    requireNonNull(text, "text is null");
    String trimmed = text.strip();
    if (trimmed.startsWith("-")) {
      throw invalid(option, text, "a size cannot be negative");
    }
    Matcher hex = HEX.matcher(trimmed);
    if (hex.matches()) {
      try {
        return Long.parseLong(hex.group(1), 16);
      } catch (NumberFormatException e) {
        throw invalid(option, text, "too large");
      }
    }
    Matcher decimal = DECIMAL.matcher(trimmed);
    if (!decimal.matches()) {
      throw invalid(option, text, EXAMPLES);
    }
    String unit = decimal.group(2).toLowerCase(Locale.ROOT);
    Integer shift = SHIFTS.get(unit);
    if (shift == null) {
      String detail =
          unit.length() == 2 && unit.endsWith("b")
              ? "ambiguous unit " + decimal.group(2) + " (use KiB, MiB, GiB or TiB)"
              : "unknown unit " + decimal.group(2) + " (" + EXAMPLES + ")";
      throw invalid(option, text, detail);
    }
    try {
      long value = Long.parseLong(decimal.group(1));
      if (value > Long.MAX_VALUE >> shift) {
        throw invalid(option, text, "too large");
      }
      return value << shift;
    } catch (NumberFormatException e) {
      throw invalid(option, text, "too large");
    }
  }

  private static UsageException invalid(String option, String text, String detail) {
    return new UsageException(option + ": invalid size \"" + text + "\": " + detail);
  }
}
