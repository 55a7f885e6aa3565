package io.vfiomigrate.host;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * FOLL_PIN counts of the pages of one VMA, indexed by page within the VMA and stored as
 * maximal segments of equal non-zero count. Pinning a whole VMA, whatever its physical layout,
 * is one segment; state grows only where pins of different extents interleave.
 *
 * <p>Invariants: segments are disjoint, non-empty, hold counts above zero, and adjacent
 * segments have different counts.
 */
final class PinCounts {
  /** {@code [first, last]} pages with {@code count} pins each. */
  private record Segment(long first, long last, long count) {
    long npages() {
      return last - first + 1;
    }
  }

  /** The change in totals caused by one {@link #add}. */
  record Delta(long pinnedPages, long pinRefs) {}

  private final TreeMap<Long, Segment> segments = new TreeMap<>();

  long count(long index) {
    Map.Entry<Long, Segment> e = segments.floorEntry(index);
    return e != null && e.getValue().last() >= index ? e.getValue().count() : 0;
  }

  /**
   * Adds {@code delta} pins to each page of {@code [first, last]}.
   *
   * @throws IllegalStateException, changing nothing, if a page would drop below zero pins
   */
  Delta add(long first, long last, long delta) {
    Map.Entry<Long, Segment> floor = segments.floorEntry(last);
    Segment around = floor == null ? null : floor.getValue();
    if (around == null || around.last() < first) {
      // Nothing starts inside [first, last], so the floor of last is first's left neighbour.
      return addToHole(floor, first, last, delta);
    }
    if (around.first() <= first && around.last() >= last) {
      return addInsideSegment(around, first, last, delta);
    }
    return addGeneral(first, last, delta);
  }

  /** The common case of pinning pages nobody pins yet: one insert, merged with equal neighbours. */
  private Delta addToHole(Map.Entry<Long, Segment> left, long first, long last, long delta) {
    if (delta < 0) {
      throw new IllegalStateException("unpin of page " + first + " that has no pins");
    }
    long newFirst = first;
    long newLast = last;
    if (left != null && left.getValue().last() + 1 == first && left.getValue().count() == delta) {
      newFirst = left.getKey();
    }
    Segment right = segments.get(last + 1);
    if (right != null && right.count() == delta) {
      segments.remove(right.first());
      newLast = right.last();
    }
    segments.put(newFirst, new Segment(newFirst, newLast, delta));
    long npages = last - first + 1;
    return new Delta(npages, delta * npages);
  }

  /** {@code [first, last]} lies inside one segment: split it into at most three pieces. */
  private Delta addInsideSegment(Segment s, long first, long last, long delta) {
    long count = s.count() + delta;
    if (count < 0) {
      throw new IllegalStateException(
          "unpin of page " + first + " that has fewer than " + -delta + " pins");
    }
    long npages = last - first + 1;
    if (count == 0 && s.first() == first && s.last() == last) {
      // The last pins of a whole segment: it becomes a hole, and holes merge with nothing.
      segments.remove(first);
      return new Delta(-npages, delta * npages);
    }
    segments.remove(s.first());
    if (s.first() < first) {
      segments.put(s.first(), new Segment(s.first(), first - 1, s.count()));
    }
    if (count > 0) {
      segments.put(first, new Segment(first, last, count));
    }
    if (last < s.last()) {
      segments.put(last + 1, new Segment(last + 1, s.last(), s.count()));
    }
    merge(first);
    merge(last + 1);
    return new Delta(count == 0 ? -npages : 0, delta * npages);
  }

  private Delta addGeneral(long first, long last, long delta) {
    if (delta < 0) {
      requireAtLeast(first, last, -delta);
    }
    split(first);
    split(last + 1);
    List<Segment> inside = new ArrayList<>(segments.subMap(first, true, last, true).values());
    long pinnedPages = 0;
    long cursor = first;
    for (Segment s : inside) {
      if (cursor < s.first()) {
        segments.put(cursor, new Segment(cursor, s.first() - 1, delta));
        pinnedPages += s.first() - cursor;
      }
      long count = s.count() + delta;
      if (count == 0) {
        segments.remove(s.first());
        pinnedPages -= s.npages();
      } else {
        segments.put(s.first(), new Segment(s.first(), s.last(), count));
      }
      cursor = s.last() + 1;
    }
    if (cursor <= last) {
      segments.put(cursor, new Segment(cursor, last, delta));
      pinnedPages += last - cursor + 1;
    }
    merge(first);
    merge(last + 1);
    return new Delta(pinnedPages, delta * (last - first + 1));
  }

  /** Number of stored segments: the model's state for this VMA's pins. */
  int segmentCount() {
    return segments.size();
  }

  boolean isEmpty() {
    return segments.isEmpty();
  }

  /** {@code [first,last]xcount} per segment, in order. */
  String dump() {
    StringBuilder out = new StringBuilder();
    for (Segment s : segments.values()) {
      out.append('[').append(s.first()).append(',').append(s.last()).append("]x")
          .append(s.count()).append(' ');
    }
    return out.toString().trim();
  }

  /**
   * @throws IllegalStateException unless every page of {@code [first, last]} has at least
   *     {@code minimum} pins
   */
  void requireAtLeast(long first, long last, long minimum) {
    long cursor = first;
    Map.Entry<Long, Segment> floor = segments.floorEntry(first);
    if (floor != null && floor.getValue().last() >= last && floor.getValue().count() >= minimum) {
      return; // One segment covers the range: the common case, without building a list.
    }
    List<Segment> covering = new ArrayList<>();
    if (floor != null && floor.getValue().last() >= first) {
      covering.add(floor.getValue());
    }
    covering.addAll(segments.subMap(first, false, last, true).values());
    for (Segment s : covering) {
      if (s.first() > cursor || s.count() < minimum) {
        break;
      }
      cursor = s.last() + 1;
      if (cursor > last) {
        return;
      }
    }
    throw new IllegalStateException(
        "unpin of page " + cursor + " that has fewer than " + minimum + " pins");
  }

  /** Makes {@code index} the first page of a segment if a segment straddles it. */
  private void split(long index) {
    Map.Entry<Long, Segment> e = segments.lowerEntry(index);
    if (e == null || e.getValue().last() < index) {
      return;
    }
    Segment s = e.getValue();
    segments.put(s.first(), new Segment(s.first(), index - 1, s.count()));
    segments.put(index, new Segment(index, s.last(), s.count()));
  }

  /** Joins the segment starting at {@code index} with its left neighbour if they are equal. */
  private void merge(long index) {
    Segment right = segments.get(index);
    Map.Entry<Long, Segment> left = segments.lowerEntry(index);
    if (right == null || left == null) {
      return;
    }
    Segment l = left.getValue();
    if (l.last() + 1 == index && l.count() == right.count()) {
      segments.remove(index);
      segments.put(l.first(), new Segment(l.first(), right.last(), l.count()));
    }
  }
}
