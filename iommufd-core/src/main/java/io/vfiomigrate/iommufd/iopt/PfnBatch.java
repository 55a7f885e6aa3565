package io.vfiomigrate.iommufd.iopt;

/**
 * {@code struct pfn_batch}: a bounded list of physically contiguous PFN runs, the temporary
 * buffer that carries PFNs from one storage tier to another. Adding a PFN that continues the
 * last run extends it, so a 1 GiB huge page is one entry however many pages it has.
 *
 * <p>The capacity comes from {@code temp_kmalloc}: 12 bytes per entry (a u64 PFN and a u32
 * count) within {@code TEMP_MEMORY_LIMIT}, so the selftest's 16-byte limit gives one entry.
 *
 * <p>Invariants: entries {@code [0, end)} are non-empty; {@code totalPfns} is their sum; an
 * entry never exceeds {@link #MAX_NPFNS}.
 */
final class PfnBatch {
  /** sizeof(unsigned long) + sizeof(u32): the temporary memory one entry costs. */
  static final long ELEMENT_SIZE = 12;
  /** {@code type_max(u32)}: a run longer than this starts a new entry. */
  static final long MAX_NPFNS = 0xFFFF_FFFFL;
  /** BATCH_BACKUP_SIZE u64s of stack: the buffer of paths that must not fail. */
  private static final long BACKUP_BYTES = 32 * 8;

  private final long[] pfns;
  private final long[] npfns;
  private int arraySize;
  private int end;
  private long totalPfns;

  private PfnBatch(int capacity) {
    this.pfns = new long[capacity];
    this.npfns = new long[capacity];
    this.arraySize = capacity;
  }

  /**
   * {@code batch_init}: a batch for up to {@code maxPages} pages.
   *
   * @throws io.vfiomigrate.api.KernelException ENOMEM (injected)
   */
  static PfnBatch init(IoptEnv env, long maxPages) {
    return new PfnBatch(capacity(env.tempAlloc(maxPages * ELEMENT_SIZE, 0, "batch_init")));
  }

  /** {@code batch_init_backup}: never fails, falls back to a small buffer. */
  static PfnBatch initBackup(IoptEnv env, long maxPages) {
    return new PfnBatch(capacity(env.tempAlloc(maxPages * ELEMENT_SIZE, BACKUP_BYTES, null)));
  }

  private static int capacity(long bytes) {
    return (int) Math.max(1, bytes / ELEMENT_SIZE);
  }

  /** {@code batch_clear}. */
  void clear() {
    totalPfns = 0;
    end = 0;
  }

  /**
   * {@code batch_clear_carry}: keeps the last {@code keepPfns} PFNs of the final entry as the
   * only entry. The new first PFN is computed before the count is overwritten (seed bug
   * "carry ordering"), and {@code end} becomes 1 (seed bug "batch carry end").
   */
  void clearCarry(long keepPfns) {
    if (keepPfns == 0) {
      clear();
      return;
    }
    if (end == 0 || npfns[end - 1] < keepPfns) {
      throw new IllegalStateException(
          "batch carry of " + keepPfns + " PFNs exceeds the last entry");
    }
    totalPfns = keepPfns;
    pfns[0] = pfns[end - 1] + (npfns[end - 1] - keepPfns);
    npfns[0] = keepPfns;
    end = 1;
  }

  /**
   * {@code batch_skip_carry}: drops up to {@code skipPfns} from the front of a carry.
   *
   * <p>Deviation: a carry skipped entirely clears the batch. The kernel leaves an empty entry
   * behind, which is harmless unless the batch has room for only one entry
   * ({@code TEMP_MEMORY_LIMIT} 16, the selftest's {@code mock_domain_limit}): then the next
   * {@code batch_from_domain} can add nothing and the unfill unmaps a single page out of a
   * larger map call. Clearing is otherwise equivalent.
   */
  void skipCarry(long skipPfns) {
    if (totalPfns == 0) {
      return;
    }
    if (totalPfns != npfns[0]) {
      throw new IllegalStateException("batch carry is not a single entry");
    }
    long skip = Math.min(totalPfns, skipPfns);
    pfns[0] += skip;
    npfns[0] -= skip;
    totalPfns -= skip;
    if (totalPfns == 0) {
      clear();
    }
  }

  /**
   * {@code batch_add_pfn} for a run {@code [pfn, pfn + count)}: extends the last entry or opens
   * new ones while there is room.
   *
   * @return how many PFNs were added; fewer than {@code count} means the batch is full
   */
  long add(long pfn, long count) {
    long added = 0;
    while (added < count) {
      long next = pfn + added;
      if (end > 0 && next == pfns[end - 1] + npfns[end - 1] && npfns[end - 1] != MAX_NPFNS) {
        long take = Math.min(count - added, MAX_NPFNS - npfns[end - 1]);
        npfns[end - 1] += take;
        totalPfns += take;
        added += take;
        continue;
      }
      if (end == arraySize) {
        return added;
      }
      pfns[end] = next;
      npfns[end] = 0;
      end++;
    }
    return added;
  }

  /**
   * {@code batch_from_xarray} ({@code clear} false) or {@code batch_from_xarray_clear}: adds
   * the PFNs stored at {@code [startIndex, lastIndex]} until the batch is full. Clearing
   * removes only the entries that made it into the batch (seed bug "batch overflow when
   * unfilling the xarray": an entry that did not fit must stay stored).
   */
  void addFromXarray(PinnedPfns xa, long startIndex, long lastIndex, boolean clear) {
    long index = startIndex;
    while (index <= lastIndex) {
      long run = xa.runLength(index, lastIndex);
      long added = add(xa.load(index), run);
      if (clear && added > 0) {
        xa.clear(index, index + added - 1);
      }
      if (added < run) {
        return;
      }
      index += run;
    }
  }

  /**
   * {@code batch_unpin}: unpins {@code npages} PFNs starting {@code firstPageOff} PFNs into
   * the batch and lowers {@code pages.npinned} by as many.
   */
  void unpin(IoptEnv env, IoptPages pages, long firstPageOff, long npages) {
    int cur = 0;
    long offset = firstPageOff;
    while (offset > 0 && npfns[cur] <= offset) {
      offset -= npfns[cur];
      cur++;
    }
    long remaining = npages;
    while (remaining > 0) {
      long count = Math.min(remaining, npfns[cur] - offset);
      env.memory().unpinPages(pfns[cur] + offset, count);
      pages.subNpinned(count);
      cur++;
      offset = 0;
      remaining -= count;
    }
  }

  /** Temporarily caps the batch at its current entries ({@code batch_from_domain_continue}). */
  int limitToEnd() {
    int saved = arraySize;
    arraySize = end;
    return saved;
  }

  void restoreArraySize(int saved) {
    arraySize = saved;
  }

  int end() {
    return end;
  }

  long pfn(int i) {
    return pfns[i];
  }

  long npfns(int i) {
    return npfns[i];
  }

  long totalPfns() {
    return totalPfns;
  }
}
