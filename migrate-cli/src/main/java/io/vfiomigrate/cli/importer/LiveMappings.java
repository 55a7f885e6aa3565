package io.vfiomigrate.cli.importer;

import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * The IOVA ranges a container holds according to the log so far, one entry per map, never merged:
 * type1 and iommufd unmap whole mappings, so the entries are what an unmap removes.
 *
 * <p>For a legacy container an entry is a section QEMU's listener holds, whether or not its map
 * succeeded: QEMU removes it alike, and the sections are what tells containers apart. For an IOAS
 * an entry is a map iommufd reported as done, which is what its unmaps remove.
 *
 * <p>Invariants: entries do not overlap; keys are first IOVAs, values inclusive last IOVAs, both
 * unsigned. Memory grows with the mappings alive at once, not with the log.
 */
final class LiveMappings {
  private final TreeMap<Long, Long> lastByIova = new TreeMap<>(Long::compareUnsigned);

  boolean overlaps(long iova, long last) {
    Map.Entry<Long, Long> before = lastByIova.floorEntry(last);
    return before != null && Long.compareUnsigned(before.getValue(), iova) >= 0;
  }

  /** Records a mapping; one that overlaps an entry is refused, as the kernel refuses it. */
  void add(long iova, long last) {
    if (Long.compareUnsigned(last, iova) >= 0 && !overlaps(iova, last)) {
      lastByIova.put(iova, last);
    }
  }

  /**
   * Removes the mappings that lie wholly inside {@code [iova, last]}, as a successful unmap does.
   *
   * @return the bytes they covered
   */
  long removeWithin(long iova, long last) {
    long removed = 0;
    if (Long.compareUnsigned(last, iova) < 0) {
      return removed;
    }
    Iterator<Map.Entry<Long, Long>> entries =
        lastByIova.subMap(iova, true, last, true).entrySet().iterator();
    while (entries.hasNext()) {
      Map.Entry<Long, Long> entry = entries.next();
      if (Long.compareUnsigned(entry.getValue(), last) <= 0) {
        removed += entry.getValue() - entry.getKey() + 1;
        entries.remove();
      }
    }
    return removed;
  }
}
