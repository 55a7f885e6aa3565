package io.vfiomigrate.iommufd.iopt;

import io.vfiomigrate.api.Errno;
import io.vfiomigrate.api.KernelException;
import io.vfiomigrate.host.FaultPoint;
import io.vfiomigrate.host.PfnRun;

/**
 * {@code struct pfn_reader_user}: the origin tier, pinning pages of the source task's address
 * space ({@code pin_user_pages_fast/remote}). Each GUP call pins at most the capacity of the
 * temporary page array ({@code upages_len}, capped by {@code TEMP_MEMORY_LIMIT}); the host
 * returns one physically contiguous run per call, which the model keeps as
 * {@code [upagesStart, upagesEnd)} starting at PFN {@code upagesPfn}.
 */
final class PfnReaderUser {
  /** sizeof(struct page *). */
  private static final long POINTER_SIZE = 8;

  private final IoptEnv env;
  private final IoptPages pages;
  private long capacity;
  long upagesStart;
  long upagesEnd;
  long upagesPfn;

  PfnReaderUser(IoptEnv env, IoptPages pages) {
    this.env = env;
    this.pages = pages;
  }

  /** The caller supplies the page array ({@code iopt_pages_fill_xarray}): no allocation. */
  void presetCapacity(long npages) {
    capacity = npages;
  }

  /**
   * {@code pfn_reader_user_pin}: pins from {@code startIndex}, at most up to
   * {@code lastIndex}, and adds them to {@code npinned}.
   *
   * @throws KernelException ENOMEM (temporary array, injected), EFAULT (unmapped, VM_PFNMAP,
   *     read-only with a writable mapping, or injected)
   */
  void pin(long startIndex, long lastIndex) {
    if (capacity == 0) {
      long bytes = env.tempAlloc((lastIndex - startIndex + 1) * POINTER_SIZE, 0,
          "pfn_reader_user_pin");
      capacity = Math.max(1, bytes / POINTER_SIZE);
    }
    long npages = Math.min(lastIndex - startIndex + 1, capacity);
    env.shouldFail(FaultPoint.PIN, Errno.EFAULT, "pfn_reader_user_pin");
    PfnRun run = env.memory().pinUserPages(pages.sourceMm,
        pages.uptr + startIndex * IoptEnv.PAGE_SIZE, npages, pages.writable);
    pages.addNpinned(run.npages());
    upagesStart = startIndex;
    upagesEnd = startIndex + run.npages();
    upagesPfn = run.pfn();
  }

  /** The PFN of {@code index}, which must lie in {@code [upagesStart, upagesEnd)}. */
  long pfnOf(long index) {
    return upagesPfn + (index - upagesStart);
  }
}
