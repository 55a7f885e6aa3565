package io.vfiomigrate.type1;

import static java.util.Objects.requireNonNull;

import io.vfiomigrate.host.IommuDomain;
import io.vfiomigrate.host.IommuSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code struct vfio_domain}: an IOMMU-capable domain of the container and the groups attached
 * to it. Every {@code iommu_mapped} dma of the container is mapped into every domain.
 *
 * <p>The model's IOMMUs all enforce cache coherency (as VT-d does) and none has fine-grained
 * superpages, so {@code enforce_cache_coherency} is always true and {@code fgsp} always false;
 * two domains are compatible exactly when their IOMMU specs are equal (same {@code
 * iommu_ops}).
 *
 * <p>Invariant: {@link #groups()} is never empty between operations (a domain whose last group
 * leaves is freed).
 */
final class VfioDomain {
  private final IommuDomain domain;
  private final List<Integer> groups = new ArrayList<>();

  VfioDomain(IommuDomain domain) {
    this.domain = requireNonNull(domain, "domain is null");
  }

  IommuDomain domain() {
    return domain;
  }

  IommuSpec spec() {
    return domain.spec();
  }

  /** Group ids, most recently attached first ({@code list_add}). */
  List<Integer> groups() {
    return groups;
  }

  void addGroup(int groupId) {
    groups.add(0, groupId);
  }

  boolean removeGroup(int groupId) {
    return groups.remove(Integer.valueOf(groupId));
  }

  boolean hasGroup(int groupId) {
    return groups.contains(groupId);
  }
}
