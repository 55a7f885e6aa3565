package io.vfiomigrate.iommufd.iopt;

import io.vfiomigrate.api.PinnedPages;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code struct page **out_pages} array of the access paths, kept as physically
 * contiguous runs: an unbounded, append-only list of {@code (pfn, npfns)} that merges a run
 * continuing the previous one. Pages are addressed by their position in the list.
 */
final class PfnRunList {
  private long[] pfns = new long[4];
  private long[] npfns = new long[4];
  private int size;
  private long totalPages;

  void append(long pfn, long count) {
    if (count <= 0) {
      throw new IllegalArgumentException("empty PFN run");
    }
    if (size > 0 && pfns[size - 1] + npfns[size - 1] == pfn) {
      npfns[size - 1] += count;
    } else {
      if (size == pfns.length) {
        pfns = Arrays.copyOf(pfns, size * 2);
        npfns = Arrays.copyOf(npfns, size * 2);
      }
      pfns[size] = pfn;
      npfns[size] = count;
      size++;
    }
    totalPages += count;
  }

  long totalPages() {
    return totalPages;
  }

  /** Calls {@code visitor} for the runs covering pages {@code [fromPage, fromPage + count)}. */
  void forEachRun(long fromPage, long count, RunVisitor visitor) {
    long skip = fromPage;
    long remaining = count;
    for (int i = 0; i < size && remaining > 0; i++) {
      if (skip >= npfns[i]) {
        skip -= npfns[i];
        continue;
      }
      long n = Math.min(npfns[i] - skip, remaining);
      visitor.run(pfns[i] + skip, n);
      remaining -= n;
      skip = 0;
    }
    if (remaining > 0) {
      throw new IndexOutOfBoundsException("pages [" + fromPage + ", +" + count + ") beyond "
          + totalPages);
    }
  }

  PinnedPages toPinnedPages() {
    List<PinnedPages.PfnRange> runs = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      runs.add(new PinnedPages.PfnRange(pfns[i], npfns[i]));
    }
    return new PinnedPages(runs);
  }

  /** Receives one physically contiguous run. */
  @FunctionalInterface
  interface RunVisitor {
    void run(long pfn, long count);
  }
}
