package io.vfiomigrate.api;

import java.util.List;

/**
 * The page frames returned by vfio_pin_pages, in IOVA order, compressed into runs of
 * physically contiguous PFNs so that a large pin costs a few objects.
 */
public record PinnedPages(List<PfnRange> runs) {
  public PinnedPages {
    runs = List.copyOf(runs);
  }

  /** Physically contiguous page frames {@code [pfn, pfn + npages)}. */
  public record PfnRange(long pfn, long npages) {
    public PfnRange {
      if (npages <= 0) {
        throw new IllegalArgumentException("empty PFN run at " + pfn);
      }
    }
  }

  public long npages() {
    long total = 0;
    for (PfnRange run : runs) {
      total += run.npages();
    }
    return total;
  }

  /** The PFN of the {@code i}-th page. */
  public long pfn(long i) {
    long remaining = i;
    for (PfnRange run : runs) {
      if (remaining < run.npages()) {
        return run.pfn() + remaining;
      }
      remaining -= run.npages();
    }
    throw new IndexOutOfBoundsException("page " + i + " of " + npages());
  }
}
