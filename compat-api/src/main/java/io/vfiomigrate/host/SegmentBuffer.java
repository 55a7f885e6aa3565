package io.vfiomigrate.host;

import java.util.Arrays;

/**
 * A short run of segments {@code [first, last]} with a pin count each, in order: what {@link
 * SortedSegments} reads out of a window and what replaces it. Reused from one change to the next,
 * so a change allocates nothing.
 */
final class SegmentBuffer {
  private long[] firsts = new long[4];
  private long[] lasts = new long[4];
  private long[] counts = new long[4];
  private int size;

  int size() {
    return size;
  }

  long first(int i) {
    return firsts[i];
  }

  long last(int i) {
    return lasts[i];
  }

  long count(int i) {
    return counts[i];
  }

  void clear() {
    size = 0;
  }

  /** Appends {@code [first, last]}, which lies after every segment held. */
  void add(long first, long last, long count) {
    if (size == firsts.length) {
      firsts = Arrays.copyOf(firsts, size * 2);
      lasts = Arrays.copyOf(lasts, size * 2);
      counts = Arrays.copyOf(counts, size * 2);
    }
    firsts[size] = first;
    lasts[size] = last;
    counts[size] = count;
    size++;
  }

  /**
   * Appends {@code [first, last]} as part of a maximal-segment encoding: nothing for a count of
   * zero (a hole), an extension of the last segment if it ends just before with the same count.
   */
  void addMerging(long first, long last, long count) {
    if (count == 0) {
      return;
    }
    if (size > 0 && lasts[size - 1] + 1 == first && counts[size - 1] == count) {
      lasts[size - 1] = last;
      return;
    }
    add(first, last, count);
  }

  /** Copies segments {@code [from, to)} of {@code this} into the arrays at {@code at}. */
  void copyTo(int from, int to, long[] firstsOut, long[] lastsOut, long[] countsOut, int at) {
    System.arraycopy(firsts, from, firstsOut, at, to - from);
    System.arraycopy(lasts, from, lastsOut, at, to - from);
    System.arraycopy(counts, from, countsOut, at, to - from);
  }
}
