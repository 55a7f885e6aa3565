package io.vfiomigrate.api;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The pins an mdev driver holds, as a multiset of {@code (iova, npage)}: a driver may pin the same
 * range more than once and must release each pin with exactly the {@code (iova, npage)} it took.
 * Single-threaded.
 *
 * <p>An open-addressing hash table of primitive arrays (linear probing, backward-shift deletion, at
 * most half full and, past its minimum size, at least an eighth), hashed by IOVA alone so that
 * every pin starting at one IOVA lies in one probe run: taking and releasing a pin is O(1) without
 * allocation, which is what a KVMGT-style churn of single-page pins needs. Which pins intersect a
 * range (the dma_unmap callback's question) is answered by probing each page that a pin reaching
 * into the range may start at, or by a scan of the table when that is cheaper; either way the pins
 * come out sorted by unsigned IOVA, then by length.
 *
 * <p>Invariants: a slot is free exactly when its count is 0; {@link #distinct()} is the number of
 * used slots and {@link #total()} the sum of their counts; every used slot is reachable from the
 * home slot of its IOVA without crossing a free slot.
 */
public final class PinMultiset {
  /** A pin and how many times it is held. */
  @FunctionalInterface
  public interface Visitor {
    void visit(long iova, int npage, int count);
  }

  private static final int MIN_CAPACITY = 16;
  private static final Comparator<Held> ORDER =
      Comparator.<Held>comparingLong(h -> h.iova ^ Long.MIN_VALUE)
          .thenComparingLong(h -> Integer.toUnsignedLong(h.npage));

  private record Held(long iova, int npage, int count) {}

  private final long pageSize;
  private long[] iovas = new long[MIN_CAPACITY];
  private int[] npages = new int[MIN_CAPACITY];
  private int[] counts = new int[MIN_CAPACITY];
  private int distinct;
  private long total;

  /** The longest pin ever added, in bytes: how far below a range a pin may start and reach in. */
  private long maxPinBytes;

  /** Whether a pin ever started off a page boundary, which page-by-page probing would miss. */
  private boolean unalignedSeen;

  /**
   * @param pageSize the page size that turns {@code npage} into bytes, a power of two
   */
  public PinMultiset(long pageSize) {
    if (pageSize <= 0 || Long.bitCount(pageSize) != 1) {
      throw new IllegalArgumentException("page size " + pageSize + " is not a power of two");
    }
    this.pageSize = pageSize;
  }

  /** Adds one hold of {@code (iova, npage)}; returns how many it now has. */
  public int add(long iova, int npage) {
    int slot = find(iova, npage);
    if (slot >= 0) {
      total++;
      return ++counts[slot];
    }
    if (2 * (distinct + 1) > counts.length) {
      resize(2 * counts.length);
    }
    slot = freeSlotFor(iova);
    iovas[slot] = iova;
    npages[slot] = npage;
    counts[slot] = 1;
    distinct++;
    total++;
    maxPinBytes = U64.max(maxPinBytes, bytes(npage));
    unalignedSeen |= (iova & (pageSize - 1)) != 0;
    return 1;
  }

  /** Removes one hold of {@code (iova, npage)}; false (and nothing changes) if there is none. */
  public boolean remove(long iova, int npage) {
    int slot = find(iova, npage);
    if (slot < 0) {
      return false;
    }
    total--;
    if (--counts[slot] == 0) {
      vacate(slot);
    }
    return true;
  }

  /** How many holds {@code (iova, npage)} has. */
  public int count(long iova, int npage) {
    int slot = find(iova, npage);
    return slot < 0 ? 0 : counts[slot];
  }

  /** Distinct pins. */
  public int distinct() {
    return distinct;
  }

  /** Holds of all pins. */
  public long total() {
    return total;
  }

  public boolean isEmpty() {
    return distinct == 0;
  }

  /** Visits every distinct pin with its count, by unsigned IOVA, then length. */
  public void forEach(Visitor visitor) {
    for (Held held : sorted(collect(0, U64.MAX, true))) {
      visitor.visit(held.iova, held.npage, held.count);
    }
  }

  /**
   * Removes every pin whose pages intersect {@code [first, last]} (inclusive bytes) with all its
   * holds, then visits each removed pin with its count, by unsigned IOVA, then length.
   */
  public void removeIntersecting(long first, long last, Visitor removed) {
    if (distinct == 0 || U64.lessThan(last, first)) {
      return;
    }
    List<Held> found = sorted(collect(first, last, false));
    for (Held held : found) {
      vacate(find(held.iova, held.npage));
      total -= held.count;
    }
    for (Held held : found) {
      removed.visit(held.iova, held.npage, held.count);
    }
  }

  /** The pins intersecting {@code [first, last]}, unsorted; {@code all} skips the test. */
  private List<Held> collect(long first, long last, boolean all) {
    List<Held> found = new ArrayList<>();
    long lowest =
        U64.lessThan(first, maxPinBytes) ? 0 : U64.alignDown(first - maxPinBytes + 1, pageSize);
    long starts = Long.divideUnsigned(last - lowest, pageSize);
    if (all || unalignedSeen || Long.compareUnsigned(starts, counts.length) >= 0) {
      for (int slot = 0; slot < counts.length; slot++) {
        if (counts[slot] != 0 && (all || intersects(slot, first, last))) {
          found.add(held(slot));
        }
      }
      return found;
    }
    for (long i = 0; i <= starts; i++) {
      long start = lowest + i * pageSize;
      for (int slot = home(start); counts[slot] != 0; slot = next(slot)) {
        if (iovas[slot] == start && intersects(slot, first, last)) {
          found.add(held(slot));
        }
      }
    }
    return found;
  }

  private static List<Held> sorted(List<Held> found) {
    found.sort(ORDER);
    return found;
  }

  private Held held(int slot) {
    return new Held(iovas[slot], npages[slot], counts[slot]);
  }

  private boolean intersects(int slot, long first, long last) {
    long iova = iovas[slot];
    long bytes = bytes(npages[slot]);
    if (bytes == 0) {
      return false; // a pin of no pages (which the backends refuse) holds nothing
    }
    // bytes() saturated (MAX is never an exact length): the pin reaches the end of the space even
    // from IOVA 0, where iova + bytes - 1 would not overflow and would stop one byte short.
    long pinLast = bytes == U64.MAX || U64.lastOverflows(iova, bytes) ? U64.MAX : iova + bytes - 1;
    return U64.lessOrEqual(iova, last) && U64.lessOrEqual(first, pinLast);
  }

  /**
   * {@code npage} pages in bytes, saturating: a pin cannot reach past the end of the IOVA space.
   */
  private long bytes(int npage) {
    long pages = Integer.toUnsignedLong(npage);
    return pages > Long.divideUnsigned(U64.MAX, pageSize) ? U64.MAX : pages * pageSize;
  }

  /** The slot of {@code (iova, npage)}, or -1. */
  private int find(long iova, int npage) {
    for (int slot = home(iova); counts[slot] != 0; slot = next(slot)) {
      if (iovas[slot] == iova && npages[slot] == npage) {
        return slot;
      }
    }
    return -1;
  }

  private int freeSlotFor(long iova) {
    int slot = home(iova);
    while (counts[slot] != 0) {
      slot = next(slot);
    }
    return slot;
  }

  /**
   * Frees {@code slot} and shifts later members of its probe run back, so that no run is broken by
   * the hole (deletion without tombstones). A table left less than an eighth full is halved, so
   * that a burst of pins does not keep its memory, nor make every later scan pay for it.
   */
  private void vacate(int slot) {
    distinct--;
    int hole = slot;
    for (int at = next(hole); counts[at] != 0; at = next(at)) {
      int home = home(iovas[at]);
      boolean stays = hole <= at ? hole < home && home <= at : hole < home || home <= at;
      if (!stays) {
        iovas[hole] = iovas[at];
        npages[hole] = npages[at];
        counts[hole] = counts[at];
        hole = at;
      }
    }
    counts[hole] = 0;
    if (counts.length > MIN_CAPACITY && 8 * distinct < counts.length) {
      resize(counts.length / 2);
    }
  }

  private void resize(int capacity) {
    long[] oldIovas = iovas;
    int[] oldNpages = npages;
    int[] oldCounts = counts;
    iovas = new long[capacity];
    npages = new int[capacity];
    counts = new int[capacity];
    for (int slot = 0; slot < oldCounts.length; slot++) {
      if (oldCounts[slot] != 0) {
        int to = freeSlotFor(oldIovas[slot]);
        iovas[to] = oldIovas[slot];
        npages[to] = oldNpages[slot];
        counts[to] = oldCounts[slot];
      }
    }
  }

  /** Fibonacci hashing: the top bits of the product spread page-aligned IOVAs evenly. */
  private int home(long iova) {
    return (int)
        ((iova * 0x9e3779b97f4a7c15L) >>> (64 - Integer.numberOfTrailingZeros(counts.length)));
  }

  private int next(int slot) {
    return (slot + 1) & (counts.length - 1);
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder("PinMultiset[");
    forEach(
        (iova, npage, count) ->
            out.append(out.length() > 12 ? ", " : "")
                .append(U64.hex(iova))
                .append('+')
                .append(Integer.toUnsignedString(npage))
                .append(count > 1 ? "x" + count : ""));
    return out.append(']').toString();
  }
}
