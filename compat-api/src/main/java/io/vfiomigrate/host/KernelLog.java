package io.vfiomigrate.host;

import java.util.ArrayList;
import java.util.List;

/**
 * The simulated dmesg: kernel warnings that do not fail an operation (a driver unpinning
 * pages it never pinned, a counter going below zero). Keeps the first {@link #KEPT} warnings
 * and counts the rest, so a long replay cannot grow it without bound.
 */
public final class KernelLog {
  public static final int KEPT = 1000;

  private final List<KernelWarning> warnings = new ArrayList<>();
  private long count;

  public void warn(String function, String message) {
    count++;
    if (warnings.size() < KEPT) {
      warnings.add(new KernelWarning(function, message));
    }
  }

  /** The first warnings, oldest first. */
  public List<KernelWarning> warnings() {
    return List.copyOf(warnings);
  }

  /** Every warning ever logged, including those not kept. */
  public long count() {
    return count;
  }
}
