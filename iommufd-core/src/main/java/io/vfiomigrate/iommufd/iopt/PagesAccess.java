package io.vfiomigrate.iommufd.iopt;

/**
 * {@code struct iopt_pages_access}: an interval lock over page indexes of one
 * {@link IoptPages} that keeps those PFNs pinned and in the xarray. Pins of exactly the same
 * interval share one, counting {@code users}; overlapping intervals are separate.
 */
final class PagesAccess {
  /** Exact bounds, the key of {@link IoptPages}' index of accesses. */
  record Bounds(long index, long lastIndex) {}

  private IntervalTree.Node<PagesAccess> node;
  private Bounds bounds;
  int users;

  /** Inserts this access into the pages' access interval tree and exact-bounds index. */
  void link(IoptPages pages, long index, long lastIndex) {
    node = pages.accessItree.insert(index, lastIndex, this);
    bounds = new Bounds(index, lastIndex);
    pages.accessByBounds.put(bounds, this);
  }

  void unlink(IoptPages pages) {
    pages.accessItree.remove(node);
    pages.accessByBounds.remove(bounds);
  }
}
