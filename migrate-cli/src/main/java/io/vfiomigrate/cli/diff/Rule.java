package io.vfiomigrate.cli.diff;

import java.util.Optional;

/**
 * The catalogue of known model differences between type1 and iommufd: every divergence a diff
 * reports carries one of these ids, or none when no rule explains it ("unexplained"). Ids are a
 * public interface (reports, scripts); never rename one. {@code docs/diff-rules.md} documents each
 * with its kernel references.
 */
public enum Rule {
  PINNED_VM_IOMMUFD_ONLY(
      "pinned-vm-iommufd-only",
      "VmPin (mm->pinned_vm) is charged only by iommufd",
      "iopt_pages_update_pinned; spec C1, C9"),
  PER_USER_ACCOUNTING(
      "per-user-accounting",
      "iommufd USER accounting charges user_struct->locked_vm instead of mm->locked_vm",
      "incr_user_locked_vm; spec B.5"),
  CAP_IPC_LOCK(
      "cap-ipc-lock",
      "CAP_IPC_LOCK: type1 still counts VmLck, iommufd maps with accounting NONE",
      "__account_locked_vm, iopt_alloc_pages; spec C9"),
  DOUBLE_PIN_REFS(
      "double-pin-refs",
      "type1 pins a page twice when an IOMMU domain and an mdev both hold it",
      "vfio_iommu_type1_pin_pages, vfio_pfn; spec A.7, C4"),
  PER_USER_LIMIT(
      "per-user-limit",
      "iommufd USER accounting checks the uid's total against RLIMIT_MEMLOCK",
      "incr_user_locked_vm; spec C7"),
  DMA_ENTRY_LIMIT(
      "dma-entry-limit",
      "type1 limits a container to dma_entry_limit mappings (ENOSPC); iommufd has no limit",
      "vfio_dma_do_map dma_avail; spec A.3, C12"),
  PIN_MAX_ENTRIES(
      "pin-max-entries",
      "type1 refuses mdev pins of more than 512 pages (E2BIG); iommufd has no limit",
      "vfio_device_container_pin_pages; spec A.2, B.8"),
  MMIO_MAP(
      "mmio-map",
      "MMIO (VM_PFNMAP) memory: type1 maps it uncharged, iommufd cannot pin it (EFAULT)",
      "vaddr_get_pfns, is_invalid_reserved_pfn, pin_user_pages; spec C6"),
  PIN_V1_CONTAINER(
      "pin-v1-container",
      "type1 refuses mdev pins in a TYPE1 (v1) container (EACCES); iommufd has no v1",
      "vfio_iommu_type1_pin_pages; spec A.7"),
  UNMAPPED_IOVA_ERRNO(
      "unmapped-iova-errno",
      "an mdev pin or DMA read/write of unmapped IOVA: type1 EINVAL, iommufd ENOENT",
      "vfio_iommu_type1_pin_pages, iommufd_access_pin_pages; spec A.7, B.6"),
  WRAP_ERRNO(
      "wrap-errno",
      "a range that wraps past 2^64: type1 EINVAL, iommufd EOVERFLOW",
      "vfio_dma_do_map, iopt_check_iova, iommufd_ioas_unmap; spec A.3, B.2"),
  BISECT_UNMAP(
      "bisect-unmap",
      "a v2 unmap that cuts a mapping: type1 EINVAL atomically, iommufd ENOENT and not atomic",
      "vfio_dma_do_unmap, iopt_unmap_iova_range; spec A.5, B.2, B.7"),
  V1_PARTIAL_UNMAP(
      "v1-partial-unmap",
      "TYPE1 (v1) partial unmap: type1 whole mappings or nothing, compat splits, native refuses",
      "vfio_dma_do_unmap, iopt_cut_iova; spec A.5, B.7"),
  EMPTY_UNMAP(
      "empty-unmap",
      "an unmap of a range with no mapping: type1 succeeds with 0, native IOAS_UNMAP ENOENT",
      "vfio_dma_do_unmap, iommufd_ioas_unmap; spec A.5, B.2, B.7"),
  UNMAP_UNALIGNED(
      "unmap-unaligned",
      "an unmap not aligned to the IOMMU page size: type1 EINVAL, iommufd only checks areas",
      "vfio_dma_do_unmap, iopt_unmap_iova_range; spec A.5, B.2"),
  UNMAP_ALL_WITH_RANGE(
      "unmap-all-with-range",
      "VFIO_DMA_UNMAP_FLAG_ALL with a non-zero iova or size: type1 EINVAL, native has no flag",
      "vfio_dma_do_unmap; spec A.5; oracle harness"),
  NO_IOMMU_SET(
      "no-iommu-set",
      "type1 refuses container ioctls before VFIO_SET_IOMMU; iommufd needs none",
      "vfio_fops_unl_ioctl, get_compat_ioas; spec A.2, B.7"),
  SET_IOMMU_REPEAT(
      "set-iommu-repeat",
      "type1 accepts VFIO_SET_IOMMU once, with a group; compat accepts it again",
      "vfio_ioctl_set_iommu, iommufd_vfio_set_iommu; spec A.2, B.7"),
  MAP_NO_PERMISSION(
      "map-no-permission",
      "a map with neither READ nor WRITE: type1 EINVAL, compat does not check",
      "vfio_dma_do_map, iommufd_vfio_map_dma; spec A.3, B.7"),
  LAST_DETACH_RELEASES(
      "last-detach-releases",
      "type1 drops every mapping with its last group; the iommufd IOAS keeps its areas",
      "__vfio_group_unset_container, vfio_iommu_type1_release; spec A.8"),
  UNMAP_IGNORED_BY_DRIVER(
      "unmap-ignored-by-driver",
      "a driver keeps its pins on dma_unmap: type1 BUG_ON, iommufd EDEADLOCK",
      "vfio_dma_do_unmap, iopt_unmap_iova_range; spec A.5, B.6"),
  FOLLOWS_STEP(
      "follows-step",
      "a consequence of an earlier divergent step, named in the explanation",
      "the diff engine's state tracking (docs/diff-rules.md)");

  private final String id;
  private final String title;
  private final String reference;

  Rule(String id, String title, String reference) {
    this.id = id;
    this.title = title;
    this.reference = reference;
  }

  /** The rule with id {@code id}, if there is one. */
  public static Optional<Rule> byId(String id) {
    for (Rule rule : values()) {
      if (rule.id.equals(id)) {
        return Optional.of(rule);
      }
    }
    return Optional.empty();
  }

  /** The stable id that reports carry. */
  public String id() {
    return id;
  }

  /** One line on what differs. */
  public String title() {
    return title;
  }

  /** The kernel functions and spec sections behind the rule. */
  public String reference() {
    return reference;
  }
}
