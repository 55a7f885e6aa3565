package io.vfiomigrate.cli.importer;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * One type1 container of the trace being built: a legacy QEMU container, or the type1 stand-in for
 * an iommufd IOAS. Identity equality; ids are unique in the trace.
 */
final class Container {
  private final int id;
  private final int pid;
  private final Set<Integer> groups = new LinkedHashSet<>();
  private final LiveMappings live = new LiveMappings();
  private boolean iommuSet;
  private boolean viommu;

  Container(int id, int pid) {
    this.id = id;
    this.pid = pid;
  }

  int id() {
    return id;
  }

  int pid() {
    return pid;
  }

  /** The groups attached now, in attach order. */
  Set<Integer> groups() {
    return groups;
  }

  LiveMappings live() {
    return live;
  }

  /** Whether VFIO_SET_IOMMU was emitted; QEMU does it after the first group joins. */
  boolean iommuSet() {
    return iommuSet;
  }

  void markIommuSet() {
    iommuSet = true;
  }

  /** Whether a vIOMMU region was registered in this container's address space. */
  boolean viommu() {
    return viommu;
  }

  void markViommu() {
    viommu = true;
  }
}
