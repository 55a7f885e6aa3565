package io.vfiomigrate.cli.report;

import io.vfiomigrate.proto.AccountingSnapshot;
import io.vfiomigrate.proto.TaskAccounting;
import io.vfiomigrate.proto.UserAccounting;
import java.util.Arrays;

/**
 * The plot's data: for both sides of a diff, the totals of locked_vm (VmLck), pinned_vm (VmPin) and
 * per-user locked_vm after every step, kept in at most {@link #MAX_BUCKETS} buckets of equal width.
 * When the buckets fill up, neighbours merge and the width doubles, so memory stays fixed however
 * long the trace; each bucket keeps the maximum of each series, so peaks survive.
 */
public final class CounterSeries {
  /** Series per step: left and right, each locked, pinned, per-user. */
  public static final int SERIES = 6;

  public static final int MAX_BUCKETS = 1024;

  private final long[][] max = new long[MAX_BUCKETS][SERIES];
  private int buckets;
  private long width = 1;
  private long steps;

  /** Adds the counters after step number {@link #steps()} (the next one). */
  public void add(AccountingSnapshot left, AccountingSnapshot right) {
    long[] values = new long[SERIES];
    totals(left, values, 0);
    totals(right, values, 3);
    int bucket = (int) (steps / width);
    if (bucket == MAX_BUCKETS) {
      halve();
      bucket = (int) (steps / width);
    }
    if (bucket == buckets) {
      Arrays.fill(max[bucket], 0);
      buckets++;
    }
    for (int s = 0; s < SERIES; s++) {
      max[bucket][s] = Math.max(max[bucket][s], values[s]);
    }
    steps++;
  }

  public long steps() {
    return steps;
  }

  public int buckets() {
    return buckets;
  }

  /** Steps per bucket. */
  public long width() {
    return width;
  }

  /** The largest value of series {@code s} in bucket {@code b}. */
  public long max(int b, int s) {
    return max[b][s];
  }

  /** The largest value of all series: the plot's scale. */
  public long peak() {
    long peak = 0;
    for (int b = 0; b < buckets; b++) {
      for (long value : max[b]) {
        peak = Math.max(peak, value);
      }
    }
    return peak;
  }

  private void halve() {
    for (int b = 0; b < MAX_BUCKETS / 2; b++) {
      for (int s = 0; s < SERIES; s++) {
        max[b][s] = Math.max(max[2 * b][s], max[2 * b + 1][s]);
      }
    }
    buckets = MAX_BUCKETS / 2;
    width *= 2;
  }

  private static void totals(AccountingSnapshot snapshot, long[] values, int offset) {
    for (TaskAccounting task : snapshot.getTasksList()) {
      values[offset] += task.getLockedVmPages();
      values[offset + 1] += task.getPinnedVmPages();
    }
    for (UserAccounting user : snapshot.getUsersList()) {
      values[offset + 2] += user.getLockedVmPages();
    }
  }
}
