package io.vfiomigrate.host;

import java.util.Arrays;

/**
 * Disjoint segments {@code [first, last]} of page indexes with a count each, sorted: the storage of
 * {@link PinCounts}. Segments sit in leaves of parallel primitive arrays (24 bytes a segment), and
 * a sorted array of each leaf's first index finds the leaf, so a lookup is two binary searches over
 * contiguous memory rather than a descent through one tree node per segment, which is what
 * thousands of scattered single-page pins (KVMGT) made of a {@code TreeMap}.
 *
 * <p>Every change is a splice, {@link #replace}: the segments of a window give way to new ones.
 * Inside one leaf that is an array shift; a leaf that would overflow, or a window across leaves, is
 * rebuilt into as few leaves as hold it; a leaf that falls below a quarter full is joined with a
 * neighbour when both fit in half a leaf.
 *
 * <p>Invariants: segments are disjoint and sorted across leaves; no leaf is empty or above {@code
 * leafCapacity}; {@code leafFirsts[i]} is the first index of leaf {@code i}'s first segment; {@link
 * #size} counts the segments.
 */
final class SortedSegments {
  static final int LEAF_CAPACITY = 128;
  private static final int MIN_ARRAY = 4;

  /** Visits the segments in order. */
  @FunctionalInterface
  interface Visitor {
    void visit(long first, long last, long count);
  }

  /** {@code size} segments, sorted, in the first slots of the arrays. */
  private static final class Leaf {
    long[] firsts;
    long[] lasts;
    long[] counts;
    int size;

    Leaf(int capacity) {
      firsts = new long[capacity];
      lasts = new long[capacity];
      counts = new long[capacity];
    }

    /** The first slot whose segment ends at or after {@code index}; {@code size} if none. */
    int ceilingByLast(long index) {
      int low = 0;
      int high = size;
      while (low < high) {
        int mid = (low + high) >>> 1;
        if (lasts[mid] < index) {
          low = mid + 1;
        } else {
          high = mid;
        }
      }
      return low;
    }

    /** Replaces slots {@code [from, to)} with the segments of {@code with}. */
    void splice(int from, int to, SegmentBuffer with, int maxCapacity) {
      int newSize = size - (to - from) + with.size();
      if (newSize > firsts.length) {
        resize(Math.min(maxCapacity, arrayFor(newSize)));
      }
      int tail = size - to;
      int at = from + with.size();
      System.arraycopy(firsts, to, firsts, at, tail);
      System.arraycopy(lasts, to, lasts, at, tail);
      System.arraycopy(counts, to, counts, at, tail);
      with.copyTo(0, with.size(), firsts, lasts, counts, from);
      size = newSize;
      if (firsts.length > MIN_ARRAY && size < firsts.length / 4) {
        resize(Math.max(MIN_ARRAY, firsts.length / 2));
      }
    }

    private void resize(int capacity) {
      firsts = Arrays.copyOf(firsts, capacity);
      lasts = Arrays.copyOf(lasts, capacity);
      counts = Arrays.copyOf(counts, capacity);
    }
  }

  private final int leafCapacity;
  private final SegmentBuffer gathered = new SegmentBuffer();
  private final SegmentBuffer none = new SegmentBuffer();
  private Leaf[] leaves = new Leaf[1];
  private long[] leafFirsts = new long[1];
  private int leafCount;
  private int size;

  SortedSegments(int leafCapacity) {
    if (leafCapacity < 4) {
      throw new IllegalArgumentException("leaf capacity " + leafCapacity + " below 4");
    }
    this.leafCapacity = leafCapacity;
  }

  int size() {
    return size;
  }

  /** The count of the segment holding {@code index}; 0 in a hole. */
  long countAt(long index) {
    if (leafCount == 0) {
      return 0;
    }
    Leaf leaf = leaves[leafFor(index)];
    int slot = leaf.ceilingByLast(index);
    return slot < leaf.size && leaf.firsts[slot] <= index ? leaf.counts[slot] : 0;
  }

  /** Puts the segments that intersect {@code [from, to]}, in order, into {@code out}. */
  void read(long from, long to, SegmentBuffer out) {
    out.clear();
    if (leafCount == 0) {
      return;
    }
    int li = leafFor(from);
    int slot = leaves[li].ceilingByLast(from);
    for (; li < leafCount; li++, slot = 0) {
      Leaf leaf = leaves[li];
      for (; slot < leaf.size; slot++) {
        if (leaf.firsts[slot] > to) {
          return;
        }
        out.add(leaf.firsts[slot], leaf.lasts[slot], leaf.counts[slot]);
      }
    }
  }

  /**
   * Replaces the segments that intersect {@code [from, to]} with those of {@code with}. The caller
   * guarantees that both lie inside {@code [from, to]} and that the result is sorted and disjoint.
   */
  void replace(long from, long to, SegmentBuffer with) {
    if (leafCount == 0) {
      if (with.size() > 0) {
        rebuild(0, 0, -1, 0, with);
        size = with.size();
      }
      return;
    }
    int first = leafFor(from);
    int start = leaves[first].ceilingByLast(from);
    int last = first;
    int end = start;
    int removed = 0;
    while (true) {
      Leaf leaf = leaves[last];
      while (end < leaf.size && leaf.firsts[end] <= to) {
        end++;
        removed++;
      }
      if (end < leaf.size || last + 1 == leafCount || leafFirsts[last + 1] > to) {
        break;
      }
      last++;
      end = 0;
    }
    Leaf leaf = leaves[first];
    if (first == last && leaf.size - (end - start) + with.size() <= leafCapacity) {
      leaf.splice(start, end, with, leafCapacity);
      if (leaf.size == 0) {
        replaceLeaves(first, first + 1, new Leaf[0]);
      } else {
        leafFirsts[first] = leaf.firsts[0];
        joinIfSparse(first);
      }
    } else {
      rebuild(first, start, last, end, with);
    }
    size += with.size() - removed;
  }

  void forEach(Visitor visitor) {
    for (int li = 0; li < leafCount; li++) {
      Leaf leaf = leaves[li];
      for (int slot = 0; slot < leaf.size; slot++) {
        visitor.visit(leaf.firsts[slot], leaf.lasts[slot], leaf.counts[slot]);
      }
    }
  }

  /**
   * @throws IllegalStateException naming the first broken invariant
   */
  void checkInvariants() {
    long previousLast = Long.MIN_VALUE;
    int counted = 0;
    for (int li = 0; li < leafCount; li++) {
      Leaf leaf = leaves[li];
      if (leaf.size == 0 || leaf.size > leafCapacity || leafFirsts[li] != leaf.firsts[0]) {
        throw new IllegalStateException("leaf " + li + " is empty, overfull or mis-keyed");
      }
      for (int slot = 0; slot < leaf.size; slot++) {
        if (leaf.firsts[slot] <= previousLast || leaf.lasts[slot] < leaf.firsts[slot]) {
          throw new IllegalStateException("segment at " + leaf.firsts[slot] + " out of order");
        }
        previousLast = leaf.lasts[slot];
      }
      counted += leaf.size;
    }
    if (counted != size) {
      throw new IllegalStateException("size " + size + " but " + counted + " segments");
    }
  }

  /** The last leaf whose first segment starts at or before {@code index}, else leaf 0. */
  private int leafFor(long index) {
    int low = 0;
    int high = leafCount - 1;
    int found = 0;
    while (low <= high) {
      int mid = (low + high) >>> 1;
      if (leafFirsts[mid] <= index) {
        found = mid;
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    return found;
  }

  /**
   * Replaces leaves {@code first..last} with new ones holding slots {@code [0, keepBefore)} of the
   * first, then {@code with}, then slots {@code [keepFrom, size)} of the last ({@code last} of -1:
   * no leaves yet).
   */
  private void rebuild(int first, int keepBefore, int last, int keepFrom, SegmentBuffer with) {
    gathered.clear();
    if (last >= 0) {
      append(leaves[first], 0, keepBefore);
    }
    for (int i = 0; i < with.size(); i++) {
      gathered.add(with.first(i), with.last(i), with.count(i));
    }
    if (last >= 0) {
      append(leaves[last], keepFrom, leaves[last].size);
    }
    int total = gathered.size();
    int count = (total + leafCapacity - 1) / leafCapacity;
    Leaf[] fresh = new Leaf[count];
    for (int i = 0, from = 0; i < count; i++) {
      int to = (int) ((long) total * (i + 1) / count);
      Leaf leaf = new Leaf(Math.min(leafCapacity, arrayFor(to - from)));
      gathered.copyTo(from, to, leaf.firsts, leaf.lasts, leaf.counts, 0);
      leaf.size = to - from;
      fresh[i] = leaf;
      from = to;
    }
    replaceLeaves(first, last + 1, fresh);
  }

  private void append(Leaf leaf, int from, int to) {
    for (int slot = from; slot < to; slot++) {
      gathered.add(leaf.firsts[slot], leaf.lasts[slot], leaf.counts[slot]);
    }
  }

  /** Joins leaf {@code li}, if below a quarter full, with a neighbour when both fit in half. */
  private void joinIfSparse(int li) {
    int small = leaves[li].size;
    if (small >= leafCapacity / 4) {
      return;
    }
    if (li + 1 < leafCount && small + leaves[li + 1].size <= leafCapacity / 2) {
      rebuild(li, small, li + 1, 0, none);
    } else if (li > 0 && leaves[li - 1].size + small <= leafCapacity / 2) {
      rebuild(li - 1, leaves[li - 1].size, li, 0, none);
    }
  }

  /** Replaces leaves {@code [from, to)} of the index with {@code fresh}. */
  private void replaceLeaves(int from, int to, Leaf[] fresh) {
    int newCount = leafCount - (to - from) + fresh.length;
    if (newCount > leaves.length) {
      int capacity = Math.max(newCount, leaves.length * 2);
      leaves = Arrays.copyOf(leaves, capacity);
      leafFirsts = Arrays.copyOf(leafFirsts, capacity);
    }
    System.arraycopy(leaves, to, leaves, from + fresh.length, leafCount - to);
    System.arraycopy(leafFirsts, to, leafFirsts, from + fresh.length, leafCount - to);
    for (int i = 0; i < fresh.length; i++) {
      leaves[from + i] = fresh[i];
      leafFirsts[from + i] = fresh[i].firsts[0];
    }
    for (int i = newCount; i < leafCount; i++) {
      leaves[i] = null;
    }
    leafCount = newCount;
  }

  /** The array length for {@code n} segments: the power of two at or above it, at least 4. */
  private static int arrayFor(int n) {
    return Math.max(MIN_ARRAY, Integer.highestOneBit(Math.max(1, n - 1)) << 1);
  }
}
