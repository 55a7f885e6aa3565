package io.vfiomigrate.cli.shadow;

import java.util.ArrayList;
import java.util.List;

/** Which mappings an unmap of {@code [first, last]} removes, by the rules of each backend. */
public final class Unmaps {
  private Unmaps() {}

  /**
   * vfio_dma_do_unmap for a TYPE1 (v1) container: nothing if the range starts inside a mapping,
   * otherwise every mapping that starts in the range, whole, even beyond the range's end.
   */
  public static List<Mapping> removedByType1V1(ContainerState container, long first, long last) {
    List<Mapping> intersecting = container.intersecting(first, last);
    if (!intersecting.isEmpty() && Long.compareUnsigned(intersecting.get(0).iova(), first) < 0) {
      return List.of();
    }
    return intersecting;
  }

  /**
   * iopt_unmap_iova_range failing with ENOENT: the areas fully inside the range that come before
   * the first area the range cuts are already gone (the unmap is not atomic).
   */
  public static List<Mapping> removedBeforeFailure(
      ContainerState container, long first, long last) {
    List<Mapping> removed = new ArrayList<>();
    for (Mapping mapping : container.intersecting(first, last)) {
      if (!Ranges.contains(first, last, mapping)) {
        break;
      }
      removed.add(mapping);
    }
    return removed;
  }

  /** Whether every mapping the range touches lies inside it: no unmap semantics can differ. */
  public static boolean coversWholeMappings(ContainerState container, long first, long last) {
    for (Mapping mapping : container.intersecting(first, last)) {
      if (!Ranges.contains(first, last, mapping)) {
        return false;
      }
    }
    return true;
  }
}
