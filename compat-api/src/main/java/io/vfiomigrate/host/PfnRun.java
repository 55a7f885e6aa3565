package io.vfiomigrate.host;

/**
 * Physically contiguous page frames {@code [pfn, pfn + npages)} of uniform kind: either all
 * pinned RAM pages or all reserved (VM_PFNMAP, not pfn_valid) frames.
 */
public record PfnRun(long pfn, long npages, boolean reserved) {
  public PfnRun {
    if (npages <= 0) {
      throw new IllegalArgumentException("empty PFN run at " + pfn);
    }
  }

  /** One past the last PFN. */
  public long endPfn() {
    return pfn + npages;
  }
}
