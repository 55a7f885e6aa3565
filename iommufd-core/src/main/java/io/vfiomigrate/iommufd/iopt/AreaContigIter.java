package io.vfiomigrate.iommufd.iopt;

import io.vfiomigrate.api.U64;

/**
 * {@code struct iopt_area_contig_iter}: the areas that cover {@code [iova, lastIova]} back to
 * back, from the one holding {@code iova}. Iteration stops at a gap or at an area being set
 * up; {@link #done()} afterwards tells whether the whole range was covered.
 */
final class AreaContigIter {
  private final IoPagetable iopt;
  private final long lastIova;
  private long curIova;
  private IoptArea area;

  private AreaContigIter(IoPagetable iopt, long iova, long lastIova) {
    this.iopt = iopt;
    this.curIova = iova;
    this.lastIova = lastIova;
  }

  /** {@code iopt_area_contig_init}. */
  static AreaContigIter first(IoPagetable iopt, long iova, long lastIova) {
    AreaContigIter iter = new AreaContigIter(iopt, iova, lastIova);
    IntervalTree.Node<IoptArea> node = iopt.areaItree.iterFirst(iova, iova);
    iter.area = node == null || node.value().pages == null ? null : node.value();
    return iter;
  }

  /** The current area; null if the range starts in a hole or runs into one. */
  IoptArea area() {
    return area;
  }

  /** The first IOVA of the range inside the current area. */
  long curIova() {
    return curIova;
  }

  /**
   * {@code iopt_area_contig_next}: the following area, or null. At the end of the range the
   * current area is kept so that {@link #done()} can see it.
   */
  IoptArea next() {
    if (area == null || !U64.lessThan(area.lastIova, lastIova)) {
      return null;
    }
    curIova = area.lastIova + 1;
    IntervalTree.Node<IoptArea> node = iopt.areaItree.iterNext(area.iovaNode(), curIova, lastIova);
    area = node == null || node.value().iova != curIova || node.value().pages == null
        ? null : node.value();
    return area;
  }

  /** {@code iopt_area_contig_done}: the current area reaches {@code lastIova}. */
  boolean done() {
    return area != null && !U64.lessThan(area.lastIova, lastIova);
  }
}
