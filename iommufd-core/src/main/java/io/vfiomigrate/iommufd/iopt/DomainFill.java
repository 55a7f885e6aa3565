package io.vfiomigrate.iommufd.iopt;

import io.vfiomigrate.api.KernelException;
import io.vfiomigrate.api.U64;
import io.vfiomigrate.host.IommuDomain;
import java.util.List;

/**
 * The domain tier of pages.c: moving an area's PFNs into IOMMU domains
 * ({@code iopt_area_fill_domain(s)}) and out again ({@code iopt_area_unfill_domain(s)}),
 * reading PFNs back from a domain, and mapping a {@link PfnBatch}.
 *
 * <p>Rules kept from the kernel: every contiguous run is installed with one map call and only
 * ever removed by an unmap covering whole map calls; a page is unmapped from every domain
 * before it is unpinned ("unpin must follow unmap"); pages still held by an access or by
 * another area's domain are never unpinned; fill failures leave every domain and counter as
 * they were.
 */
final class DomainFill {
  private DomainFill() {}

  /**
   * {@code batch_from_domain}: adds the PFNs that {@code domain} maps for the area's pages
   * {@code [startIndex, lastIndex]} until the batch is full. Each read takes the whole map
   * call holding the page (the kernel probes every page with {@code iommu_iova_to_phys}).
   */
  static void batchFromDomain(
      PfnBatch batch, IommuDomain domain, IoptArea area, long startIndex, long lastIndex) {
    long iova = area.indexToIova(startIndex);
    long pageOffset = startIndex == area.index ? area.pageOffset : 0;
    long index = startIndex;
    while (index <= lastIndex) {
      long want = readablePages(domain, iova, pageOffset, lastIndex - index + 1);
      long added = batch.add(physPfn(domain, iova, pageOffset), want);
      index += added;
      if (added < want) {
        return;
      }
      iova += added * IoptEnv.PAGE_SIZE - pageOffset;
      pageOffset = 0;
    }
  }

  /** {@code batch_from_domain_continue}: reads on only while the last entry stays contiguous. */
  static void batchFromDomainContinue(
      PfnBatch batch, IommuDomain domain, IoptArea area, long startIndex, long lastIndex) {
    int saved = batch.limitToEnd();
    batchFromDomain(batch, domain, area, startIndex, lastIndex);
    batch.restoreArraySize(saved);
  }

  /** {@code raw_pages_from_domain}: appends the PFNs of {@code [startIndex, lastIndex]}. */
  static void rawPagesFromDomain(
      IommuDomain domain, IoptArea area, long startIndex, long lastIndex, PfnRunList out) {
    long iova = area.indexToIova(startIndex);
    long pageOffset = startIndex == area.index ? area.pageOffset : 0;
    long index = startIndex;
    while (index <= lastIndex) {
      long n = readablePages(domain, iova, pageOffset, lastIndex - index + 1);
      out.append(physPfn(domain, iova, pageOffset), n);
      index += n;
      iova += n * IoptEnv.PAGE_SIZE - pageOffset;
      pageOffset = 0;
    }
  }

  /**
   * Pages whose first mapped byte lies in the map call holding {@code iova}: page {@code j}
   * starts {@code j * PAGE_SIZE - pageOffset} bytes after {@code iova}.
   */
  private static long readablePages(IommuDomain domain, long iova, long pageOffset, long max) {
    long extent = domain.mappedBytesFrom(iova);
    if (extent == 0) {
      throw new IllegalStateException(domain + " does not map iova " + U64.hex(iova));
    }
    return Math.min(max, (extent + pageOffset + IoptEnv.PAGE_SIZE - 1) / IoptEnv.PAGE_SIZE);
  }

  private static long physPfn(IommuDomain domain, long iova, long pageOffset) {
    return (domain.iovaToPhys(iova).orElseThrow() - pageOffset) >>> IoptEnv.PAGE_SHIFT;
  }

  /**
   * {@code batch_to_domain}: maps the batch, which starts at page {@code startIndex} of the
   * area, into {@code domain}: one map call per entry, or page by page when the io_pagetable
   * has large pages disabled ({@code batch_iommu_map_small}, so v1 splits can unmap exactly).
   * On failure what this call mapped is unmapped again.
   */
  static void batchToDomain(IoptEnv env, PfnBatch batch, IommuDomain domain, IoptArea area,
      long startIndex) {
    boolean small = area.iopt.largePagesDisabled();
    long pageOffset = startIndex == area.index ? area.pageOffset : 0;
    long startIova = area.indexToIova(startIndex);
    long iova = startIova;
    try {
      for (int cur = 0; cur < batch.end(); cur++) {
        // min(last_iova + 1, ...) written as a length so an area ending at U64_MAX works.
        long length = U64.min(batch.npfns(cur) * IoptEnv.PAGE_SIZE - pageOffset,
            area.lastIova - iova + 1);
        long paddr = batch.pfn(cur) * IoptEnv.PAGE_SIZE + pageOffset;
        if (small) {
          domain.mapPageByPage(iova, paddr, length, area.prot, IoptEnv.PAGE_SIZE);
        } else {
          domain.map(iova, paddr, length, area.prot);
        }
        iova += length;
        pageOffset = 0;
      }
    } catch (KernelException e) {
      if (startIova != iova) {
        unmapNofail(env, domain, startIova, iova - startIova);
      }
      throw e;
    }
  }

  /** {@code iommu_unmap_nofail}: unmapping never fails; a short unmap is a kernel WARN. */
  static void unmapNofail(IoptEnv env, IommuDomain domain, long iova, long size) {
    long unmapped = domain.unmap(iova, size);
    if (unmapped != size) {
      env.log().warn("iommu_unmap_nofail", domain + " unmapped " + unmapped + " of " + size
          + " bytes at " + U64.hex(iova));
    }
  }

  /** {@code iopt_area_unmap_domain_range}: unmaps pages {@code [startIndex, lastIndex]}. */
  static void unmapDomainRange(IoptEnv env, IoptArea area, IommuDomain domain, long startIndex,
      long lastIndex) {
    long startIova = area.indexToIova(startIndex);
    unmapNofail(env, domain, startIova, area.indexToIovaLast(lastIndex) - startIova + 1);
  }

  /** {@code iopt_area_unmap_domain}: unmaps the whole area, unpinning nothing. */
  static void unmapDomain(IoptEnv env, IoptArea area, IommuDomain domain) {
    unmapNofail(env, domain, area.iova, area.length());
  }

  /**
   * {@code iopt_area_fill_domain}: maps the area into a domain being added; pages another
   * tier already holds are not pinned again. On failure the domain and the counters are
   * unchanged.
   */
  static void areaFillDomain(IoptEnv env, IoptArea area, IommuDomain domain) {
    IoptPages pages = area.pages;
    PfnReader reader = PfnReader.first(env, pages, area.index, area.lastIndex);
    long doneEndIndex = area.index;
    try {
      while (!reader.done()) {
        doneEndIndex = reader.batchStartIndex;
        batchToDomain(env, reader.batch, domain, area, reader.batchStartIndex);
        doneEndIndex = reader.batchEndIndex;
        reader.next();
      }
      reader.updatePinned();
    } catch (KernelException e) {
      reader.releasePins();
      unfillPartialDomain(env, area, pages, domain, doneEndIndex);
      reader.destroy();
      throw e;
    }
    reader.destroy();
  }

  /**
   * {@code iopt_area_fill_domains}: maps a new area (not yet in the domains itree) into every
   * domain of its io_pagetable, charges the pins, and makes {@code domains[0]} its storage.
   * With no domain nothing is pinned (lazy). On failure every domain is unchanged.
   */
  static void areaFillDomains(IoptEnv env, IoptArea area, IoptPages pages) {
    List<IommuDomain> domains = area.iopt.domainList();
    if (domains.isEmpty()) {
      return;
    }
    PfnReader reader = PfnReader.first(env, pages, area.index, area.lastIndex);
    long doneFirstEndIndex = area.index;
    long doneAllEndIndex = area.index;
    int failed = domains.size() - 1;
    try {
      while (!reader.done()) {
        doneFirstEndIndex = reader.batchEndIndex;
        doneAllEndIndex = reader.batchStartIndex;
        for (int i = 0; i < domains.size(); i++) {
          failed = i;
          batchToDomain(env, reader.batch, domains.get(i), area, reader.batchStartIndex);
        }
        doneAllEndIndex = doneFirstEndIndex;
        reader.next();
      }
      reader.updatePinned();
    } catch (KernelException e) {
      reader.releasePins();
      for (int i = 0; i < domains.size(); i++) {
        // Domains before the failed one took the current batch (seed bug "error-unwind
        // order": strictly before, not up to and including).
        long endIndex = i < failed ? doneFirstEndIndex : doneAllEndIndex;
        if (i != domains.size() - 1) {
          if (endIndex != area.index) {
            unmapDomainRange(env, area, domains.get(i), area.index, endIndex - 1);
          }
        } else {
          unfillPartialDomain(env, area, pages, domains.get(i), endIndex);
        }
      }
      reader.destroy();
      throw e;
    }
    area.storageDomain = domains.get(0);
    area.linkDomains(pages);
    reader.destroy();
  }

  /**
   * {@code iopt_area_unfill_domains}: the area is being destroyed; unmaps it from every domain
   * and unpins what nothing else holds.
   */
  static void areaUnfillDomains(IoptEnv env, IoptArea area, IoptPages pages) {
    if (area.storageDomain == null) {
      return;
    }
    for (IommuDomain domain : area.iopt.domainList()) {
      if (domain != area.storageDomain) {
        unmapDomainRange(env, area, domain, area.index, area.lastIndex);
      }
    }
    area.unlinkDomains(pages);
    areaUnfillDomain(env, area, pages, area.storageDomain);
    area.storageDomain = null;
  }

  /**
   * {@code iopt_area_unfill_domain}: unmaps the area from {@code domain} and unpins the pages
   * no access and no other area's domain holds. The area must already be out of the domains
   * itree.
   */
  static void areaUnfillDomain(IoptEnv env, IoptArea area, IoptPages pages, IommuDomain domain) {
    unfillDomain(env, area, pages, domain, area.lastIndex);
  }

  /** {@code iopt_area_unfill_partial_domain}: undoes a fill that reached {@code endIndex}. */
  private static void unfillPartialDomain(IoptEnv env, IoptArea area, IoptPages pages,
      IommuDomain domain, long endIndex) {
    if (endIndex != area.index) {
      unfillDomain(env, area, pages, domain, endIndex - 1);
    }
  }

  /**
   * {@code __iopt_area_unfill_domain}: unmap then unpin {@code [area.index, lastIndex]}.
   * Unmaps must cut where the PFNs are discontiguous, to pair with the maps; so around pages
   * an access or another domain keeps, the walk reads ahead to the end of the contiguous run,
   * unmaps it whole, and carries the unmapped-but-kept PFNs at the front of the batch.
   */
  private static void unfillDomain(IoptEnv env, IoptArea area, IoptPages pages,
      IommuDomain domain, long lastIndex) {
    Unpinner unpinner = new Unpinner(env, area, pages, domain, lastIndex);
    for (DoubleSpanIterator span = new DoubleSpanIterator().first(
            pages.domainsItree, pages.accessItree, area.index, lastIndex);
        !span.done(); span.next()) {
      if (span.isUsed() != 0) {
        unpinner.batch.skipCarry(span.last() - span.start() + 1);
        continue;
      }
      unpinner.unpinHole(span.start(), span.last());
    }
    if (unpinner.unmappedEndIndex != lastIndex + 1) {
      unmapDomainRange(env, area, domain, unpinner.unmappedEndIndex, lastIndex);
    }
    if (unpinner.batch.totalPfns() != 0) {
      env.log().warn("__iopt_area_unfill_domain", "carry of " + unpinner.batch.totalPfns()
          + " PFNs left for " + area);
    }
    PinAccounting.updateUnpinned(env, pages);
  }

  /** The state of one {@code __iopt_area_unfill_domain} walk. */
  private static final class Unpinner {
    private final IoptEnv env;
    private final IoptArea area;
    private final IoptPages pages;
    private final IommuDomain domain;
    private final long realLastIndex;
    final PfnBatch batch;
    long unmappedEndIndex;

    Unpinner(IoptEnv env, IoptArea area, IoptPages pages, IommuDomain domain, long lastIndex) {
      this.env = env;
      this.area = area;
      this.pages = pages;
      this.domain = domain;
      this.realLastIndex = lastIndex;
      this.batch = PfnBatch.initBackup(env, lastIndex + 1);
      this.unmappedEndIndex = area.index;
    }

    /** {@code iopt_area_unpin_domain} over the hole {@code [startIndex, lastIndex]}. */
    void unpinHole(long startIndex, long lastIndex) {
      long start = startIndex;
      while (start <= lastIndex) {
        long batchLastIndex;
        if (unmappedEndIndex <= lastIndex) {
          long from = Math.max(start, unmappedEndIndex);
          if (batch.totalPfns() != 0 && unmappedEndIndex - batch.totalPfns() != start) {
            throw new IllegalStateException("unfill carry does not start at index " + start);
          }
          batchFromDomain(batch, domain, area, from, lastIndex);
          // The batch starts at 'start' (carry included), not at 'from' (seed bug "unpin
          // with an access present").
          batchLastIndex = start + batch.totalPfns() - 1;
        } else {
          batchLastIndex = lastIndex;
        }
        if (batchLastIndex > realLastIndex) {
          throw new IllegalStateException("unfill batch runs past index " + realLastIndex);
        }
        if (batchLastIndex == lastIndex && lastIndex != realLastIndex) {
          batchFromDomainContinue(batch, domain, area, lastIndex + 1, realLastIndex);
        }
        if (unmappedEndIndex <= batchLastIndex) {
          unmapDomainRange(env, area, domain, unmappedEndIndex,
              start + batch.totalPfns() - 1);
          unmappedEndIndex = start + batch.totalPfns();
        }
        batch.unpin(env, pages, 0, batchLastIndex - start + 1);
        start = batchLastIndex + 1;
        batch.clearCarry(unmappedEndIndex - batchLastIndex - 1);
      }
    }
  }
}
