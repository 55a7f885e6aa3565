package io.vfiomigrate.cli.shadow;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pins one emulated group's driver holds: a multiset of {@code (iova, npage)} (a driver may pin
 * the same range twice), in the order of first pinning. Adding and removing a pin is O(1), so a
 * KVMGT-style churn over thousands of held pins stays cheap.
 */
final class DriverPins {
  private final LinkedHashMap<DriverPin, Integer> counts = new LinkedHashMap<>();

  void add(DriverPin pin) {
    counts.merge(pin, 1, Integer::sum);
  }

  /** Forgets one occurrence of {@code pin}; false if the driver holds none. */
  boolean remove(DriverPin pin) {
    Integer count = counts.get(pin);
    if (count == null) {
      return false;
    }
    if (count == 1) {
      counts.remove(pin);
    } else {
      counts.put(pin, count - 1);
    }
    return true;
  }

  /**
   * Forgets every pin intersecting {@code [first, last]}; returns them, one entry per occurrence.
   */
  List<DriverPin> removeIntersecting(long first, long last, long pageSize) {
    List<DriverPin> removed = new ArrayList<>();
    for (Iterator<Map.Entry<DriverPin, Integer>> it = counts.entrySet().iterator();
        it.hasNext(); ) {
      Map.Entry<DriverPin, Integer> entry = it.next();
      if (entry.getKey().intersects(first, last, pageSize)) {
        removed.addAll(Collections.nCopies(entry.getValue(), entry.getKey()));
        it.remove();
      }
    }
    return removed;
  }

  boolean isEmpty() {
    return counts.isEmpty();
  }

  /** Every pin, one entry per occurrence, in the order of first pinning. */
  List<DriverPin> asList() {
    List<DriverPin> list = new ArrayList<>();
    counts.forEach((pin, count) -> list.addAll(Collections.nCopies(count, pin)));
    return list;
  }

  /** Distinct pins with their counts. */
  Map<DriverPin, Integer> counts() {
    return Collections.unmodifiableMap(counts);
  }
}
