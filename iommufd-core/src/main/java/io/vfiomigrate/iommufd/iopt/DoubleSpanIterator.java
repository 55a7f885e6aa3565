package io.vfiomigrate.iommufd.iopt;

import io.vfiomigrate.api.U64;

/**
 * {@code interval_tree_double_span_iter} ({@code double_span.h}): the spans of the union of
 * two interval trees over {@code [firstIndex, lastIndex]}. A used span is reported as coming
 * from the first tree whenever the first tree covers it ({@link #isUsed()} 1), else from the
 * second (2); holes (0) are covered by neither. Greedy like {@link SpanIterator}: the same
 * {@code isUsed} value never repeats on two consecutive steps, and the spans exactly cover the
 * requested range.
 */
public final class DoubleSpanIterator {
  private static final int DONE = -1;

  private final SpanIterator[] spans = {new SpanIterator(), new SpanIterator()};
  private long start;
  private long last;
  private int isUsed;

  /** {@code interval_tree_double_span_iter_first}. */
  public DoubleSpanIterator first(
      IntervalTree<?> itree1, IntervalTree<?> itree2, long firstIndex, long lastIndex) {
    spans[0].first(itree1, firstIndex, lastIndex);
    spans[1].first(itree2, firstIndex, lastIndex);
    update();
    return this;
  }

  /** {@code interval_tree_double_span_iter_next}. */
  public void next() {
    if (isUsed == DONE || last == spans[0].lastIndex()) {
      isUsed = DONE;
      return;
    }
    spans[0].advance(last + 1);
    spans[1].advance(last + 1);
    update();
  }

  /** {@code interval_tree_double_span_iter_update}: the first tree wins a used span. */
  private void update() {
    long lastHole = U64.MAX;
    for (int i = 0; i < spans.length; i++) {
      SpanIterator span = spans[i];
      if (span.done()) {
        isUsed = DONE;
        return;
      }
      if (span.isHole()) {
        lastHole = U64.min(lastHole, span.last());
        continue;
      }
      isUsed = i + 1;
      start = span.start();
      last = U64.min(span.last(), lastHole);
      return;
    }
    isUsed = 0;
    start = spans[0].start();
    last = U64.min(spans[0].last(), spans[1].last());
  }

  public boolean done() {
    return isUsed == DONE;
  }

  /** 0 for a hole, 1 or 2 for a span used by the first or second tree. */
  public int isUsed() {
    return isUsed;
  }

  public long start() {
    return start;
  }

  public long last() {
    return last;
  }
}
