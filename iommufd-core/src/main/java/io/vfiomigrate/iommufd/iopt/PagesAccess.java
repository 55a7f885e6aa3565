package io.vfiomigrate.iommufd.iopt;

/**
 * {@code struct iopt_pages_access}: an interval lock over page indexes of one
 * {@link IoptPages} that keeps those PFNs pinned and in the xarray. Pins of exactly the same
 * interval share one, counting {@code users}; overlapping intervals are separate.
 */
final class PagesAccess {
  private IntervalTree.Node<PagesAccess> node;
  int users;

  void link(IntervalTree<PagesAccess> itree, long index, long lastIndex) {
    node = itree.insert(index, lastIndex, this);
  }

  void unlink(IntervalTree<PagesAccess> itree) {
    itree.remove(node);
  }
}
