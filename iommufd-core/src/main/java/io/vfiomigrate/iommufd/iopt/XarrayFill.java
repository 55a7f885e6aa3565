package io.vfiomigrate.iommufd.iopt;

import io.vfiomigrate.api.Errno;
import io.vfiomigrate.api.KernelException;
import io.vfiomigrate.host.FaultPoint;

/**
 * The xarray tier of pages.c: in-kernel accesses ({@code iopt_area_add_access} /
 * {@code iopt_area_remove_access}) and the filling and unfilling of {@code pinned_pfns} they
 * cause. A page an access needs is taken from the xarray if another access has it, copied
 * from a domain without a new pin if a domain has it, and pinned from the origin otherwise.
 */
final class XarrayFill {
  private XarrayFill() {}

  /**
   * {@code iopt_area_add_access}: records an access of {@code [startIndex, lastIndex]},
   * sharing an existing access of exactly that interval, and appends the PFNs to {@code out}.
   *
   * @throws KernelException EPERM for a write access of read-only pages; ENOMEM, EFAULT or
   *     EINVAL from filling; nothing changes then
   */
  static void addAccess(IoptEnv env, IoptArea area, long startIndex, long lastIndex,
      boolean write, PfnRunList out) {
    IoptPages pages = area.pages;
    if (write && !pages.writable) {
      throw KernelException.of(Errno.EPERM, "iopt_area_add_access: pages %d are read-only",
          pages.id);
    }
    PagesAccess access = pages.exactAccess(startIndex, lastIndex);
    if (access != null) {
      area.numAccesses++;
      access.users++;
      fillFromXarray(pages, startIndex, lastIndex, out);
      return;
    }
    env.kzalloc("iopt_area_add_access");
    fillXarray(env, pages, startIndex, lastIndex, out);
    access = new PagesAccess();
    access.users = 1;
    access.link(pages, startIndex, lastIndex);
    area.numAccesses++;
  }

  /**
   * {@code iopt_area_remove_access}: drops one user of the access of exactly
   * {@code [startIndex, lastIndex]}; the last user unpins what nothing else holds.
   *
   * @return false if no such access exists (the kernel WARNs and does nothing)
   */
  static boolean removeAccess(IoptEnv env, IoptArea area, long startIndex, long lastIndex) {
    IoptPages pages = area.pages;
    PagesAccess access = pages.exactAccess(startIndex, lastIndex);
    if (access == null) {
      return false;
    }
    if (area.numAccesses == 0 || access.users == 0) {
      env.log().warn("iopt_area_remove_access", "access users underflow on " + area);
    }
    area.numAccesses--;
    access.users--;
    if (access.users == 0) {
      access.unlink(pages);
      unfillXarray(env, pages, startIndex, lastIndex);
    }
    return true;
  }

  /** {@code iopt_pages_fill_from_xarray}: the fast path for indexes an access holds. */
  static void fillFromXarray(IoptPages pages, long startIndex, long lastIndex, PfnRunList out) {
    long index = startIndex;
    while (index <= lastIndex) {
      long run = pages.pinnedPfns.runLength(index, lastIndex);
      out.append(pages.pinnedPfns.load(index), run);
      index += run;
    }
  }

  /**
   * {@code iopt_pages_fill_xarray}: makes {@code [startIndex, lastIndex]} present in the
   * xarray, pinning and charging what no tier holds yet. On failure the xarray, the pins and
   * the counters are unchanged.
   */
  static void fillXarray(IoptEnv env, IoptPages pages, long startIndex, long lastIndex,
      PfnRunList out) {
    long xaEnd = startIndex;
    PfnReaderUser user = new PfnReaderUser(env, pages);
    user.presetCapacity(lastIndex - startIndex + 1);
    try {
      for (DoubleSpanIterator span = new DoubleSpanIterator().first(
              pages.accessItree, pages.domainsItree, startIndex, lastIndex);
          !span.done(); span.next()) {
        long npages = span.last() - span.start() + 1;
        long from = out.totalPages();
        if (span.isUsed() == 1) {
          fillFromXarray(pages, span.start(), span.last(), out);
          continue;
        }
        if (span.isUsed() == 2) {
          fillFromDomain(pages, span.start(), span.last(), out);
          pagesToXarray(env, pages.pinnedPfns, span.start(), out, from, npages);
          xaEnd = span.last() + 1;
          continue;
        }
        fillFromMm(env, pages, user, span.start(), span.last(), out);
        try {
          pagesToXarray(env, pages.pinnedPfns, span.start(), out, from, npages);
        } catch (KernelException e) {
          unpinRuns(env, pages, out, from, npages);
          throw e;
        }
        xaEnd = span.last() + 1;
      }
      PinAccounting.updatePinned(env, pages);
    } catch (KernelException e) {
      if (startIndex != xaEnd) {
        unfillXarray(env, pages, startIndex, xaEnd - 1);
      }
      throw e;
    }
  }

  /**
   * {@code iopt_pages_unfill_xarray}: after an access of {@code [startIndex, lastIndex]} left
   * the access itree, unpins the indexes nothing else holds and drops the xarray entries of
   * those a domain holds.
   */
  static void unfillXarray(IoptEnv env, IoptPages pages, long startIndex, long lastIndex) {
    PfnBatch batch = null;
    for (DoubleSpanIterator span = new DoubleSpanIterator().first(
            pages.accessItree, pages.domainsItree, startIndex, lastIndex);
        !span.done(); span.next()) {
      if (span.isUsed() == 0) {
        if (batch == null) {
          batch = PfnBatch.initBackup(env, lastIndex - startIndex + 1);
        }
        unpinXarray(env, batch, pages, span.start(), span.last());
      } else if (span.isUsed() == 2) {
        pages.pinnedPfns.clear(span.start(), span.last());
      }
    }
    PinAccounting.updateUnpinned(env, pages);
  }

  /**
   * {@code iopt_pages_unpin_xarray}: moves the entries to the batch and unpins them, as many
   * batches as it takes (seed bug "batch overflow": one batch may not hold the whole hole).
   */
  private static void unpinXarray(IoptEnv env, PfnBatch batch, IoptPages pages, long startIndex,
      long lastIndex) {
    long index = startIndex;
    while (index <= lastIndex) {
      batch.addFromXarray(pages.pinnedPfns, index, lastIndex, true);
      batch.unpin(env, pages, 0, batch.totalPfns());
      index += batch.totalPfns();
      batch.clear();
    }
  }

  /** {@code iopt_pages_fill_from_domain}: reads held PFNs back from the storage domains. */
  private static void fillFromDomain(IoptPages pages, long startIndex, long lastIndex,
      PfnRunList out) {
    long index = startIndex;
    while (index != lastIndex + 1) {
      IoptArea area = pages.findDomainArea(index);
      long domainLast = Math.min(area.lastIndex, lastIndex);
      DomainFill.rawPagesFromDomain(area.storageDomain, area, index, domainLast, out);
      index = domainLast + 1;
    }
  }

  /**
   * {@code iopt_pages_fill_from_mm}: pins {@code [startIndex, lastIndex]} from the origin; on
   * failure unpins what it pinned.
   */
  private static void fillFromMm(IoptEnv env, IoptPages pages, PfnReaderUser user,
      long startIndex, long lastIndex, PfnRunList out) {
    long from = out.totalPages();
    long cur = startIndex;
    try {
      while (cur != lastIndex + 1) {
        user.pin(cur, lastIndex);
        out.append(user.upagesPfn, user.upagesEnd - user.upagesStart);
        cur = user.upagesEnd;
      }
    } catch (KernelException e) {
      if (cur != startIndex) {
        unpinRuns(env, pages, out, from, cur - startIndex);
      }
      throw e;
    }
  }

  /** {@code iopt_pages_err_unpin}: unpins {@code npages} of {@code out} from page {@code from}. */
  private static void unpinRuns(IoptEnv env, IoptPages pages, PfnRunList out, long from,
      long npages) {
    out.forEachRun(from, npages, (pfn, count) -> env.memory().unpinPages(pfn, count));
    pages.subNpinned(npages);
  }

  /**
   * {@code pages_to_xarray}: stores {@code npages} PFNs of {@code out} from page {@code from}
   * at {@code startIndex}. The fault point halfway through fails with EINVAL and clears the
   * half already stored, as the kernel's does.
   */
  private static void pagesToXarray(IoptEnv env, PinnedPfns xa, long startIndex, PfnRunList out,
      long from, long npages) {
    long half = npages / 2;
    store(xa, startIndex, out, from, half);
    try {
      env.shouldFail(FaultPoint.ALLOC, Errno.EINVAL, "pages_to_xarray");
    } catch (KernelException e) {
      if (half > 0) {
        xa.clear(startIndex, startIndex + half - 1);
      }
      throw e;
    }
    store(xa, startIndex + half, out, from + half, npages - half);
  }

  private static void store(PinnedPfns xa, long startIndex, PfnRunList out, long from,
      long npages) {
    long[] index = {startIndex};
    out.forEachRun(from, npages, (pfn, count) -> {
      xa.store(index[0], pfn, count);
      index[0] += count;
    });
  }
}
