package io.vfiomigrate.host;

/**
 * FOLL_PIN counts of the pages of one VMA, indexed by page within the VMA and stored as maximal
 * segments of equal non-zero count. Pinning a whole VMA, whatever its physical layout, is one
 * segment; state grows only where pins of different extents interleave.
 *
 * <p>A change of {@code [first, last]} reads the segments it touches (those intersecting {@code
 * [first - 1, last + 1]}: a neighbour of equal count merges), computes the window's new segments,
 * and splices them in ({@link SortedSegments}): one read and one splice whatever the case, and
 * nothing changes until the whole window has been checked.
 *
 * <p>Invariants: segments are disjoint, non-empty, hold counts above zero, and adjacent segments
 * have different counts.
 */
final class PinCounts {
  /** The change in totals caused by one {@link #add}. */
  record Delta(long pinnedPages, long pinRefs) {}

  private final SortedSegments segments;

  /** Scratch of {@link #add} and {@link #requireAtLeast}: this VMA's state is single-threaded. */
  private final SegmentBuffer old = new SegmentBuffer();

  private final SegmentBuffer changed = new SegmentBuffer();

  PinCounts() {
    this(SortedSegments.LEAF_CAPACITY);
  }

  /** With leaves of {@code leafCapacity} segments: small ones let tests cross leaves. */
  PinCounts(int leafCapacity) {
    this.segments = new SortedSegments(leafCapacity);
  }

  long count(long index) {
    return segments.countAt(index);
  }

  /**
   * Adds {@code delta} pins to each page of {@code [first, last]}.
   *
   * @throws IllegalStateException, changing nothing, if a page would drop below zero pins
   */
  Delta add(long first, long last, long delta) {
    segments.read(first - 1, last + 1, old);
    long windowFirst = old.size() > 0 ? Math.min(first, old.first(0)) : first;
    long windowLast = old.size() > 0 ? Math.max(last, old.last(old.size() - 1)) : last;
    changed.clear();
    long pinnedPages = 0;
    long cursor = windowFirst;
    for (int i = 0; i < old.size(); i++) {
      if (cursor < old.first(i)) {
        pinnedPages += change(cursor, old.first(i) - 1, 0, first, last, delta);
      }
      pinnedPages += change(old.first(i), old.last(i), old.count(i), first, last, delta);
      cursor = old.last(i) + 1;
    }
    if (cursor <= windowLast) {
      pinnedPages += change(cursor, windowLast, 0, first, last, delta);
    }
    segments.replace(windowFirst, windowLast, changed);
    return new Delta(pinnedPages, delta * (last - first + 1));
  }

  /**
   * Appends {@code [from, to]}, holding {@code count} pins a page, to {@link #changed} with {@code
   * delta} added to its pages inside {@code [first, last]}.
   *
   * @return how many of its pages became pinned, minus how many became unpinned
   */
  private long change(long from, long to, long count, long first, long last, long delta) {
    if (from < first) {
      changed.addMerging(from, Math.min(to, first - 1), count);
    }
    long insideFirst = Math.max(from, first);
    long insideLast = Math.min(to, last);
    long pinnedPages = 0;
    if (insideFirst <= insideLast) {
      long updated = count + delta;
      if (updated < 0) {
        throw new IllegalStateException(
            "unpin of page " + insideFirst + " that has fewer than " + -delta + " pins");
      }
      changed.addMerging(insideFirst, insideLast, updated);
      long npages = insideLast - insideFirst + 1;
      pinnedPages = count == 0 && updated > 0 ? npages : count > 0 && updated == 0 ? -npages : 0;
    }
    if (to > last) {
      changed.addMerging(Math.max(from, last + 1), to, count);
    }
    return pinnedPages;
  }

  /** Number of stored segments: the model's state for this VMA's pins. */
  int segmentCount() {
    return segments.size();
  }

  boolean isEmpty() {
    return segments.size() == 0;
  }

  /** {@code [first,last]xcount} per segment, in order. */
  String dump() {
    StringBuilder out = new StringBuilder();
    segments.forEach(
        (first, last, count) ->
            out.append('[')
                .append(first)
                .append(',')
                .append(last)
                .append("]x")
                .append(count)
                .append(' '));
    return out.toString().trim();
  }

  /** Checks the storage's invariants, for tests. */
  void checkInvariants() {
    segments.checkInvariants();
  }

  /**
   * @throws IllegalStateException unless every page of {@code [first, last]} has at least {@code
   *     minimum} pins
   */
  void requireAtLeast(long first, long last, long minimum) {
    segments.read(first, last, old);
    long cursor = first;
    for (int i = 0; i < old.size(); i++) {
      if (old.first(i) > cursor || old.count(i) < minimum) {
        break;
      }
      cursor = old.last(i) + 1;
      if (cursor > last) {
        return;
      }
    }
    throw new IllegalStateException(
        "unpin of page " + cursor + " that has fewer than " + minimum + " pins");
  }
}
