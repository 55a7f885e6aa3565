package io.vfiomigrate.iommufd.iopt;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code iopt_pages::pinned_pfns}, the xarray tier: the PFN of every page index that an
 * in-kernel access holds. The only per-page state the kernel keeps, so it is stored compactly:
 * indexes are grouped in chunks of 64 (an xarray leaf node holds 64 slots), each with a
 * presence bitmap and either a base PFN (while every present slot {@code s} holds
 * {@code base + s}, the usual case for huge pages) or a dense array of 64 PFNs.
 *
 * <p>Invariants: no chunk is empty; a chunk without a dense array has a base; {@link #size()}
 * is the number of present indexes.
 */
final class PinnedPfns {
  private static final int SHIFT = 6;
  private static final int SLOTS = 1 << SHIFT;
  private static final int MASK = SLOTS - 1;

  /** 64 consecutive indexes. */
  private static final class Chunk {
    long present;
    long base;
    long[] dense;

    long pfn(int slot) {
      return dense == null ? base + slot : dense[slot];
    }

    void store(int slot, long pfn) {
      if (present == 0 && dense == null) {
        base = pfn - slot;
      }
      if (dense == null && pfn != base + slot) {
        dense = new long[SLOTS];
        for (long bits = present; bits != 0; bits &= bits - 1) {
          int s = Long.numberOfTrailingZeros(bits);
          dense[s] = base + s;
        }
      }
      if (dense != null) {
        dense[slot] = pfn;
      }
      present |= 1L << slot;
    }
  }

  /** By chunk number, hashed: the dump alone needs them in order, and sorts. */
  private final HashMap<Long, Chunk> chunks = new HashMap<>();
  private long size;

  /** {@code xa_load}: the PFN stored at {@code index}, or -1. */
  long load(long index) {
    Chunk c = chunks.get(index >>> SHIFT);
    int slot = (int) (index & MASK);
    return c != null && (c.present & (1L << slot)) != 0 ? c.pfn(slot) : -1;
  }

  /**
   * Stores {@code [pfn, pfn + count)} at {@code [index, index + count)}.
   *
   * @throws IllegalStateException if an index is already present (the kernel's
   *     {@code WARN_ON(old)} in {@code pages_to_xarray})
   */
  void store(long index, long pfn, long count) {
    long done = 0;
    while (done < count) {
      long at = index + done;
      int from = (int) (at & MASK);
      int n = (int) Math.min(SLOTS - from, count - done);
      Chunk c = chunks.computeIfAbsent(at >>> SHIFT, k -> new Chunk());
      long mask = slotMask(from, from + n - 1);
      if ((c.present & mask) != 0) {
        throw new IllegalStateException("pinned_pfns index in [" + at + ", " + (at + n - 1)
            + "] stored twice");
      }
      long runBase = pfn + done - from;
      if (c.dense == null && (c.present == 0 || c.base == runBase)) {
        c.base = runBase;
        c.present |= mask;
      } else {
        for (int k = 0; k < n; k++) {
          c.store(from + k, pfn + done + k);
        }
      }
      size += n;
      done += n;
    }
  }

  private static long slotMask(int from, int to) {
    return (to == SLOTS - 1 ? -1L : (1L << (to + 1)) - 1) & (-1L << from);
  }

  /** {@code clear_xarray}: removes every entry in {@code [first, last]}. */
  void clear(long first, long last) {
    long index = first;
    while (index <= last) {
      long key = index >>> SHIFT;
      int from = (int) (index & MASK);
      int to = (int) Math.min(SLOTS - 1, last - (key << SHIFT));
      Chunk c = chunks.get(key);
      if (c != null) {
        long mask = slotMask(from, to);
        size -= Long.bitCount(c.present & mask);
        c.present &= ~mask;
        if (c.present == 0) {
          chunks.remove(key);
        }
      }
      index = (key << SHIFT) + to + 1;
    }
  }

  /**
   * The run starting at {@code index}: how many indexes from it, up to {@code last}, are
   * present with consecutive PFNs. The PFN of the first is {@link #load}{@code (index)}.
   *
   * @throws IllegalStateException if {@code index} is not present (the kernel's
   *     {@code WARN_ON(!xa_is_value(entry))})
   */
  long runLength(long index, long last) {
    long first = load(index);
    if (first < 0) {
      throw new IllegalStateException("pinned_pfns has no entry at index " + index);
    }
    long count = 1;
    while (index + count <= last) {
      long at = index + count;
      Chunk c = chunks.get(at >>> SHIFT);
      if (c == null) {
        break;
      }
      int slot = (int) (at & MASK);
      if (c.dense == null && slot == 0 && c.present == -1L && c.base == first + count
          && at + SLOTS - 1 <= last) {
        count += SLOTS;
        continue;
      }
      if ((c.present & (1L << slot)) == 0 || c.pfn(slot) != first + count) {
        break;
      }
      count++;
    }
    return count;
  }

  boolean isEmpty() {
    return chunks.isEmpty();
  }

  long size() {
    return size;
  }

  /** Entries as {@code [first,last]->pfn} runs in index order. */
  String dump() {
    StringBuilder out = new StringBuilder();
    long runFirst = -1;
    long runPfn = 0;
    long runLast = -1;
    for (Map.Entry<Long, Chunk> e : new TreeMap<>(chunks).entrySet()) {
      Chunk c = e.getValue();
      for (long bits = c.present; bits != 0; bits &= bits - 1) {
        int slot = Long.numberOfTrailingZeros(bits);
        long index = (e.getKey() << SHIFT) + slot;
        long pfn = c.pfn(slot);
        if (runFirst >= 0 && index == runLast + 1 && pfn == runPfn + (index - runFirst)) {
          runLast = index;
          continue;
        }
        appendRun(out, runFirst, runLast, runPfn);
        runFirst = index;
        runLast = index;
        runPfn = pfn;
      }
    }
    appendRun(out, runFirst, runLast, runPfn);
    return out.toString().trim();
  }

  private static void appendRun(StringBuilder out, long first, long last, long pfn) {
    if (first >= 0) {
      out.append('[').append(first).append(',').append(last).append("]->0x")
          .append(Long.toHexString(pfn)).append(' ');
    }
  }

  /** Checks the size and that no chunk is empty. */
  void checkInvariants() {
    long counted = 0;
    for (Chunk c : chunks.values()) {
      if (c.present == 0) {
        throw new IllegalStateException("pinned_pfns keeps an empty chunk");
      }
      counted += Long.bitCount(c.present);
    }
    if (counted != size) {
      throw new IllegalStateException("pinned_pfns size " + size + " != " + counted + " entries");
    }
  }
}
