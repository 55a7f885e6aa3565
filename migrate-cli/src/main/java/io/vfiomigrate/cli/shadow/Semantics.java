package io.vfiomigrate.cli.shadow;

/**
 * Whose rules a {@link ContainerShadows} follows when it applies an event's outcome: the three ways
 * the project replays a type1 trace differ in what a successful or failed unmap removed and in what
 * the last group's detach leaves behind.
 */
public enum Semantics {
  /**
   * vfio_iommu_type1: v2 unmaps remove whole mappings, v1 unmaps remove the mappings whose start
   * the range covers (or nothing if it starts inside one), failures change nothing, and the last
   * group's detach releases the backend with every mapping.
   */
  TYPE1,
  /**
   * iommufd's vfio_compat: v1 containers split mappings at the range's ends and unmap exactly the
   * range, a failed unmap keeps what it removed before the failing area, and the compat IOAS
   * outlives its groups.
   */
  COMPAT,
  /**
   * Native iommufd running a converted program: v1 unmaps were translated to whole mappings, a
   * failed IOAS_UNMAP keeps what it removed before the failing area, and the IOAS outlives its
   * devices.
   */
  IOMMUFD
}
