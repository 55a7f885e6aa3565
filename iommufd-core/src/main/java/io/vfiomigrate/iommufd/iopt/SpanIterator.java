package io.vfiomigrate.iommufd.iopt;

import io.vfiomigrate.api.U64;

/**
 * {@code interval_tree_span_iter} ({@code lib/interval_tree.c}): walks {@code [firstIndex,
 * lastIndex]} of an {@link IntervalTree} as alternating holes and used spans. A used span is a
 * maximal run covered by the union of the intervals, touching intervals included, so the same
 * kind never repeats on two consecutive steps. The spans exactly cover the requested range.
 *
 * <p>{@link #start()} and {@link #last()} hold the current span whichever its kind, as the
 * kernel's {@code start_hole}/{@code start_used} union does.
 */
public final class SpanIterator {
  private static final int DONE = -1;

  private IntervalTree<?> tree;
  private IntervalTree.Node<?> spanNode;
  private IntervalTree.Node<?> nextNode;
  private long firstIndex;
  private long lastIndex;
  private long start;
  private long last;
  /** 1 = hole, 0 = used, -1 = done. */
  private int isHole;

  /** {@code interval_tree_span_iter_first}. */
  public SpanIterator first(IntervalTree<?> itree, long first, long lastIdx) {
    this.tree = itree;
    this.firstIndex = first;
    this.lastIndex = lastIdx;
    spanNode = null;
    nextNode = itree.iterFirst(first, lastIdx);
    if (nextNode == null) {
      start = first;
      last = lastIdx;
      isHole = 1;
      return this;
    }
    if (U64.greaterThan(nextNode.start(), first)) {
      start = first;
      last = nextNode.start() - 1;
      isHole = 1;
      nextGap();
      return this;
    }
    start = first;
    isHole = 0;
    nextGap();
    last = spanNode.last();
    if (!U64.lessThan(last, lastIdx)) {
      last = lastIdx;
      spanNode = null;
      nextNode = null;
    }
    return this;
  }

  /** {@code interval_tree_span_iter_next}. */
  public void next() {
    if (spanNode == null && nextNode == null) {
      isHole = DONE;
      return;
    }
    if (isHole == 1) {
      start = last + 1;
      last = spanNode.last();
      if (!U64.lessThan(last, lastIndex)) {
        last = lastIndex;
        spanNode = null;
        nextNode = null;
      }
      isHole = 0;
      return;
    }
    if (nextNode == null) {
      start = spanNode.last() + 1;
      last = lastIndex;
      spanNode = null;
      isHole = 1;
      return;
    }
    start = spanNode.last() + 1;
    last = nextNode.start() - 1;
    isHole = 1;
    nextGap();
  }

  /**
   * {@code interval_tree_span_iter_advance}: skips to {@code newIndex}, which must not be
   * below the current span. Past {@code lastIndex} the iteration is done.
   */
  public void advance(long newIndex) {
    if (isHole == DONE) {
      return;
    }
    firstIndex = newIndex;
    if (U64.greaterThan(newIndex, lastIndex)) {
      isHole = DONE;
      return;
    }
    if (U64.lessOrEqual(start, newIndex) && U64.lessOrEqual(newIndex, last)) {
      start = newIndex;
      return;
    }
    if (newIndex == last + 1) {
      next();
    } else {
      first(tree, newIndex, lastIndex);
    }
  }

  /** Merges the intervals from {@code nextNode} on into one used span ending at spanNode. */
  private void nextGap() {
    IntervalTree.Node<?> cur = nextNode;
    spanNode = cur;
    do {
      if (U64.greaterThan(cur.last(), spanNode.last())) {
        spanNode = cur;
      }
      cur = tree.iterNext(cur, firstIndex, lastIndex);
    } while (cur != null
        && (!U64.lessThan(spanNode.last(), cur.start()) || spanNode.last() + 1 == cur.start()));
    nextNode = cur;
  }

  public boolean done() {
    return isHole == DONE;
  }

  public boolean isHole() {
    return isHole == 1;
  }

  public long start() {
    return start;
  }

  public long last() {
    return last;
  }

  public long lastIndex() {
    return lastIndex;
  }
}
