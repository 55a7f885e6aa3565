package io.vfiomigrate.type1;

import java.util.Arrays;

/**
 * The physically contiguous runs a {@code vfio_dma} is mapped with, in IOVA order from the
 * dma's start: what each {@code vfio_pin_pages_remote} call returned and {@code
 * vfio_iommu_map} put into every domain.
 *
 * <p>The kernel keeps no such list: {@code vfio_unmap_unpin} and {@code vfio_iommu_replay}
 * rediscover the runs by walking the first domain with {@code iommu_iova_to_phys} page by
 * page. The model's domains answer one address at a time, so that walk would cost a lookup
 * per page; remembering the runs costs 16 bytes per run instead (a 1 TiB mapping of 1 GiB
 * pages is 1024 runs), the same granularity as the domains' own entries. The runs are checked
 * against every domain by the invariants.
 *
 * <p>Invariants: runs are non-empty, contiguous in IOVA from page 0, and {@link #pages()} and
 * {@link #nonReservedPages()} are their totals.
 */
final class MappedRuns {
  /** Marks a run of reserved (not pinned, not charged) frames in the PFN slot. */
  private static final long RESERVED = Long.MIN_VALUE;
  private static final long[] NONE = new long[0];

  private long[] startPages = NONE;
  private long[] pfns = NONE;
  private int count;
  private long pages;
  private long nonReservedPages;

  /** Adds the run that continues the mapping at page {@link #pages()}. */
  void append(long npages, long pfn, boolean reserved) {
    if (npages <= 0 || pfn < 0) {
      throw new IllegalArgumentException("bad run of " + npages + " pages at PFN " + pfn);
    }
    if (count == startPages.length) {
      int capacity = Math.max(4, count + (count >> 1));
      startPages = Arrays.copyOf(startPages, capacity);
      pfns = Arrays.copyOf(pfns, capacity);
    }
    startPages[count] = pages;
    pfns[count] = reserved ? pfn | RESERVED : pfn;
    count++;
    pages += npages;
    if (!reserved) {
      nonReservedPages += npages;
    }
  }

  /** Forgets every run (after they were unmapped and unpinned). */
  void clear() {
    startPages = NONE;
    pfns = NONE;
    count = 0;
    pages = 0;
    nonReservedPages = 0;
  }

  int count() {
    return count;
  }

  boolean isEmpty() {
    return count == 0;
  }

  /** Page index, within the dma, of run {@code i}'s first page. */
  long startPage(int i) {
    return startPages[i];
  }

  long npages(int i) {
    return (i + 1 < count ? startPages[i + 1] : pages) - startPages[i];
  }

  long pfn(int i) {
    return pfns[i] & ~RESERVED;
  }

  boolean reserved(int i) {
    return (pfns[i] & RESERVED) != 0;
  }

  /** Pages covered by all runs. */
  long pages() {
    return pages;
  }

  /** Pages of runs that hold a pin and a charge (everything but reserved frames). */
  long nonReservedPages() {
    return nonReservedPages;
  }
}
