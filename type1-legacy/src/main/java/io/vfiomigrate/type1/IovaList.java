package io.vfiomigrate.type1;

import io.vfiomigrate.api.IovaRange;
import io.vfiomigrate.api.U64;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code iova_list} of a {@code vfio_iommu}: the IOVA windows a MAP_DMA may use, i.e. the
 * intersection of the domains' apertures minus the groups' reserved regions. Empty while the
 * container has no IOMMU-capable domain yet, and then every IOVA is valid.
 *
 * <p>A value: attach and detach build a modified copy and install it only when nothing can fail
 * any more (the kernel's {@code vfio_iommu_iova_get_copy} / {@code insert_copy}). The
 * operations follow the kernel's list manipulations exactly, including their boundary
 * comparisons.
 *
 * <p>Invariant: ranges are sorted and disjoint.
 */
final class IovaList {
  static final IovaList EMPTY = new IovaList(List.of());

  private final List<IovaRange> ranges;

  private IovaList(List<IovaRange> ranges) {
    this.ranges = List.copyOf(ranges);
  }

  static IovaList of(List<IovaRange> ranges) {
    return new IovaList(ranges);
  }

  List<IovaRange> ranges() {
    return ranges;
  }

  boolean isEmpty() {
    return ranges.isEmpty();
  }

  /** {@code vfio_iommu_iova_dma_valid}: inside one window, or no windows at all. */
  boolean dmaValid(long first, long last) {
    for (IovaRange range : ranges) {
      if (range.contains(first) && range.contains(last)) {
        return true;
      }
    }
    return ranges.isEmpty();
  }

  /**
   * {@code vfio_iommu_aper_conflict}: a new aperture {@code [first, last]} that misses every
   * window, or would leave an existing dma outside, conflicts.
   */
  boolean aperConflict(long first, long last, DmaTree dmas) {
    if (ranges.isEmpty()) {
      return false;
    }
    IovaRange low = ranges.get(0);
    IovaRange high = ranges.get(ranges.size() - 1);
    if (U64.greaterThan(first, high.last()) || U64.lessThan(last, low.first())) {
      return true;
    }
    if (U64.greaterThan(first, low.first()) && dmas.findOverlap(low.first(), first - 1) != null) {
      return true;
    }
    return U64.lessThan(last, high.last()) && dmas.findOverlap(last + 1, high.last()) != null;
  }

  /** {@code vfio_iommu_resv_conflict}: an existing dma overlaps a reserved region. */
  static boolean resvConflict(List<IovaRange> reserved, DmaTree dmas) {
    for (IovaRange region : reserved) {
      if (dmas.findOverlap(region.first(), region.last()) != null) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code vfio_iommu_aper_resize}: clips the windows to the aperture {@code [first, last]}, or
   * makes it the only window if there is none. Like the kernel, a window whose last address
   * equals {@code first} (or whose first equals {@code last}) is dropped rather than clipped.
   */
  IovaList aperResize(long first, long last) {
    if (ranges.isEmpty()) {
      return new IovaList(List.of(new IovaRange(first, last)));
    }
    List<long[]> nodes = nodes();
    while (!nodes.isEmpty()) {
      long[] node = nodes.get(0);
      if (U64.lessThan(first, node[0])) {
        break;
      }
      if (U64.lessThan(first, node[1])) {
        node[0] = first;
        break;
      }
      nodes.remove(0);
    }
    List<long[]> kept = new ArrayList<>();
    for (long[] node : nodes) {
      if (U64.greaterThan(last, node[1])) {
        kept.add(node);
      } else if (U64.greaterThan(last, node[0])) {
        node[1] = last;
        kept.add(node);
      }
    }
    return fromNodes(kept);
  }

  /**
   * {@code vfio_iommu_resv_exclude}: removes the reserved regions from the windows, splitting a
   * window around a region inside it. The result may be empty (the caller's EINVAL).
   */
  IovaList resvExclude(List<IovaRange> reserved) {
    List<long[]> nodes = nodes();
    for (IovaRange region : reserved) {
      List<long[]> next = new ArrayList<>();
      for (long[] node : nodes) {
        if (U64.greaterThan(region.first(), node[1]) || U64.lessThan(region.last(), node[0])) {
          next.add(node);
          continue;
        }
        if (U64.greaterThan(region.first(), node[0])) {
          next.add(new long[] {node[0], region.first() - 1});
        }
        if (U64.lessThan(region.last(), node[1])) {
          next.add(new long[] {region.last() + 1, node[1]});
        }
      }
      nodes = next;
    }
    return fromNodes(nodes);
  }

  /**
   * {@code vfio_iommu_aper_expand}: after a domain went away, stretches the first window down to
   * and the last window up to the intersection {@code [first, last]} of the remaining domains'
   * apertures.
   */
  IovaList aperExpand(long first, long last) {
    if (ranges.isEmpty()) {
      return this;
    }
    List<long[]> nodes = nodes();
    nodes.get(0)[0] = first;
    nodes.get(nodes.size() - 1)[1] = last;
    return fromNodes(nodes);
  }

  @Override
  public String toString() {
    return ranges.toString();
  }

  private List<long[]> nodes() {
    List<long[]> nodes = new ArrayList<>();
    for (IovaRange range : ranges) {
      nodes.add(new long[] {range.first(), range.last()});
    }
    return nodes;
  }

  private static IovaList fromNodes(List<long[]> nodes) {
    List<IovaRange> out = new ArrayList<>();
    for (long[] node : nodes) {
      out.add(new IovaRange(node[0], node[1]));
    }
    return new IovaList(out);
  }
}
