package io.vfiomigrate.type1;

import io.vfiomigrate.api.U64;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code dma_list} rb-tree of a {@code vfio_iommu}: every {@code vfio_dma}, keyed by IOVA
 * (unsigned). Ranges are handled with inclusive last addresses, so a mapping that ends at 2^64
 * behaves like any other (the kernel's exclusive ends wrap to 0 there; see {@link VfioIommu}).
 *
 * <p>Invariant: the dmas do not overlap. A dma may be linked with size 0 while {@code
 * vfio_pin_map_dma} grows it; lookups happen only between operations, when every size is
 * positive.
 */
final class DmaTree {
  private final TreeMap<Long, VfioDma> byIova = new TreeMap<>(Long::compareUnsigned);

  /** {@code vfio_find_dma}: a dma intersecting {@code [first, last]}, or null. */
  VfioDma findOverlap(long first, long last) {
    Map.Entry<Long, VfioDma> e = byIova.floorEntry(last);
    return e != null && U64.lessOrEqual(first, e.getValue().last()) ? e.getValue() : null;
  }

  /** The dma containing {@code address}, or null. */
  VfioDma findContaining(long address) {
    return findOverlap(address, address);
  }

  /**
   * {@code vfio_find_dma_first_node}: the lowest dma that ends at or after {@code first}, or
   * null if there is none or it starts after {@code last}.
   */
  VfioDma findFirst(long first, long last) {
    VfioDma dma = findContaining(first);
    if (dma == null) {
      Map.Entry<Long, VfioDma> e = byIova.ceilingEntry(first);
      dma = e == null ? null : e.getValue();
    }
    return dma == null || U64.greaterThan(dma.iova(), last) ? null : dma;
  }

  /** The dma after {@code dma} in IOVA order ({@code rb_next}), or null. */
  VfioDma next(VfioDma dma) {
    Map.Entry<Long, VfioDma> e = byIova.higherEntry(dma.iova());
    return e == null ? null : e.getValue();
  }

  VfioDma first() {
    Map.Entry<Long, VfioDma> e = byIova.firstEntry();
    return e == null ? null : e.getValue();
  }

  /** {@code vfio_link_dma}. */
  void link(VfioDma dma) {
    if (byIova.putIfAbsent(dma.iova(), dma) != null) {
      throw new IllegalStateException("a vfio_dma already starts at " + U64.hex(dma.iova()));
    }
  }

  /** {@code vfio_unlink_dma}. */
  void unlink(VfioDma dma) {
    if (!byIova.remove(dma.iova(), dma)) {
      throw new IllegalStateException("vfio_dma at " + U64.hex(dma.iova()) + " is not linked");
    }
  }

  int size() {
    return byIova.size();
  }

  /** The dmas in IOVA order (a view). */
  Collection<VfioDma> all() {
    return byIova.values();
  }

  /** The dmas in IOVA order, copied, for walks that remove or call out. */
  List<VfioDma> snapshot() {
    return new ArrayList<>(byIova.values());
  }
}
