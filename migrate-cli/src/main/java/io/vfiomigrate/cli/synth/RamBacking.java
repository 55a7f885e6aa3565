package io.vfiomigrate.cli.synth;

import io.vfiomigrate.cli.UsageException;
import io.vfiomigrate.proto.Backing;
import java.util.Locale;

/**
 * The backings of guest RAM that {@code --backing} names ({@code anon}, {@code thp}, {@code
 * hugetlb-2m}, {@code hugetlb-1g}), shared by the commands that describe a guest. MMIO is not among
 * them: it describes device BARs, never guest RAM.
 */
public final class RamBacking {
  /** Largest guest RAM in all: the simulated host describes at most 2^50 bytes of memory. */
  public static final long MAX_TOTAL_RAM = 1L << 49;

  private RamBacking() {}

  /**
   * @param command the command, for the message, e.g. {@code synth}
   * @throws UsageException for any other name
   */
  public static Backing parse(String command, String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "anon" -> Backing.ANON;
      case "thp" -> Backing.THP;
      case "hugetlb-2m" -> Backing.HUGETLB_2M;
      case "hugetlb-1g" -> Backing.HUGETLB_1G;
      default ->
          throw new UsageException(
              command
                  + ": --backing: expected anon, thp, hugetlb-2m or hugetlb-1g, got \""
                  + value
                  + "\"");
    };
  }

  /** What the simulated host requires of a region's size and address (HostConfig). */
  public static long alignment(Backing backing) {
    return switch (backing) {
      case HUGETLB_2M -> 2L << 20;
      case HUGETLB_1G -> 1L << 30;
      default -> 4096;
    };
  }
}
