package io.vfiomigrate.cli;

import com.google.common.collect.ImmutableList;
import java.util.ArrayList;
import java.util.List;

/**
 * Findings in the order found. Only the first {@code limit} are kept, so a huge trace that is wrong
 * everywhere cannot exhaust memory; all are counted.
 */
final class FindingList {
  private final int limit;
  private final List<Finding> kept = new ArrayList<>();
  private long count;

  FindingList(int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit is negative: " + limit);
    }
    this.limit = limit;
  }

  void add(String where, String field, String message) {
    if (kept.size() < limit) {
      kept.add(new Finding(where, field, message));
    }
    count++;
  }

  long count() {
    return count;
  }

  ImmutableList<Finding> kept() {
    return ImmutableList.copyOf(kept);
  }
}
