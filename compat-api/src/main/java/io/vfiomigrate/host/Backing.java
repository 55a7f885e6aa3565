package io.vfiomigrate.host;

/**
 * What backs a memory region, and so how its page frames are laid out physically. Chunks are
 * the physically contiguous units: consecutive chunks of a region are never physically
 * adjacent, so GUP returns one run per chunk at most.
 */
public enum Backing {
  /** Anonymous 4 KiB pages, each physically somewhere else. */
  ANON(1, 1),
  /** Transparent huge pages: 2 MiB physically contiguous runs. */
  THP(512, 1),
  /** hugetlbfs 2 MiB pages; the region must be 2 MiB aligned. */
  HUGETLB_2M(512, 512),
  /** hugetlbfs 1 GiB pages; the region must be 1 GiB aligned. */
  HUGETLB_1G(262144, 262144),
  /**
   * A device BAR mapped with VM_PFNMAP: reserved (not pfn_valid) frames, physically
   * contiguous for the whole region, which GUP refuses and type1 maps without pinning.
   */
  MMIO(0, 1);

  private final long chunkPages;
  private final long alignmentPages;

  Backing(long chunkPages, long alignmentPages) {
    this.chunkPages = chunkPages;
    this.alignmentPages = alignmentPages;
  }

  /** Pages per physically contiguous chunk; 0 means the whole region is one chunk. */
  public long chunkPages() {
    return chunkPages;
  }

  /** The alignment, in pages, that the region's vaddr and size must have. */
  public long alignmentPages() {
    return alignmentPages;
  }
}
