package io.vfiomigrate.cli.importer;

import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * A union of address ranges, merged as they are added: overlapping and adjacent ranges become one.
 * Unsigned throughout, up to 2^64 - 1 included.
 *
 * <p>Invariants: entries are disjoint and not adjacent; keys are first addresses, values inclusive
 * last addresses.
 */
final class AddressRanges {
  private final TreeMap<Long, Long> lastByFirst = new TreeMap<>(Long::compareUnsigned);

  /** Whether {@code [start, start + size)} is non-empty and ends at or below 2^64 - 1. */
  static boolean fits(long start, long size) {
    return size != 0 && Long.compareUnsigned(size - 1, -1L - start) <= 0;
  }

  /** Adds {@code [first, last]}, merging it with every range it overlaps or touches. */
  void add(long first, long last) {
    long mergedFirst = first;
    long mergedLast = last;
    Map.Entry<Long, Long> before = lastByFirst.floorEntry(first);
    if (before != null && (before.getValue() == -1L || touches(before.getValue(), first))) {
      mergedFirst = before.getKey();
      mergedLast = max(mergedLast, before.getValue());
      lastByFirst.remove(before.getKey());
    }
    Iterator<Map.Entry<Long, Long>> after =
        lastByFirst.tailMap(mergedFirst, true).entrySet().iterator();
    while (after.hasNext()) {
      Map.Entry<Long, Long> entry = after.next();
      if (mergedLast != -1L && Long.compareUnsigned(entry.getKey(), mergedLast + 1) > 0) {
        break;
      }
      mergedLast = max(mergedLast, entry.getValue());
      after.remove();
    }
    lastByFirst.put(mergedFirst, mergedLast);
  }

  /** Takes {@code [first, last]} out, splitting the ranges it cuts. */
  void remove(long first, long last) {
    Map.Entry<Long, Long> before = lastByFirst.lowerEntry(first);
    if (before != null && Long.compareUnsigned(before.getValue(), first) >= 0) {
      lastByFirst.put(before.getKey(), first - 1);
      if (Long.compareUnsigned(before.getValue(), last) > 0) {
        lastByFirst.put(last + 1, before.getValue());
      }
    }
    Iterator<Map.Entry<Long, Long>> inside =
        lastByFirst.subMap(first, true, last, true).entrySet().iterator();
    Long keptLast = null;
    while (inside.hasNext()) {
      Map.Entry<Long, Long> entry = inside.next();
      if (Long.compareUnsigned(entry.getValue(), last) > 0) {
        keptLast = entry.getValue();
      }
      inside.remove();
    }
    if (keptLast != null) {
      lastByFirst.put(last + 1, keptLast);
    }
  }

  /** Hands each range to {@code action} as (first, last), in address order. */
  void forEach(BiConsumer<Long, Long> action) {
    lastByFirst.forEach(action);
  }

  /** Whether {@code first} is inside or right after a range that ends at {@code last}. */
  private static boolean touches(long last, long first) {
    return Long.compareUnsigned(first, last + 1) <= 0;
  }

  private static long max(long a, long b) {
    return Long.compareUnsigned(a, b) >= 0 ? a : b;
  }
}
