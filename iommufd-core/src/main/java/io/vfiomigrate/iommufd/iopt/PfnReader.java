package io.vfiomigrate.iommufd.iopt;

import io.vfiomigrate.api.KernelException;

/**
 * {@code struct pfn_reader}: reads the PFNs of {@code [startIndex, lastIndex]} of one
 * {@link IoptPages} batch by batch, each span from the cheapest tier that has it: the xarray
 * (an access holds it), else a domain (an area's storage domain holds it), else pinned from
 * the origin. Pins taken here raise {@code npinned}; {@link #updatePinned} charges them.
 *
 * <p>Invariants: {@code [batchStartIndex, batchEndIndex)} are the indexes whose PFNs the batch
 * holds; origin pins not yet moved to the batch are {@code [batchEndIndex, user.upagesEnd)}.
 * After {@link #destroy} neither holds pins and {@code npinned == lastNpinned} again.
 */
final class PfnReader {
  private final IoptEnv env;
  private final IoptPages pages;
  private final DoubleSpanIterator span = new DoubleSpanIterator();
  private final PfnReaderUser user;
  final PfnBatch batch;
  long batchStartIndex;
  long batchEndIndex;
  private final long lastIndex;

  private PfnReader(IoptEnv env, IoptPages pages, long startIndex, long lastIndex) {
    this.env = env;
    this.pages = pages;
    this.batchStartIndex = startIndex;
    this.batchEndIndex = startIndex;
    this.lastIndex = lastIndex;
    this.user = new PfnReaderUser(env, pages);
    this.batch = PfnBatch.init(env, lastIndex - startIndex + 1);
    span.first(pages.accessItree, pages.domainsItree, startIndex, lastIndex);
  }

  /**
   * {@code pfn_reader_first}: a reader positioned on its first batch.
   *
   * @throws io.vfiomigrate.api.KernelException from allocation or pinning; nothing is held
   */
  static PfnReader first(IoptEnv env, IoptPages pages, long startIndex, long lastIndex) {
    if (lastIndex < startIndex) {
      throw new IllegalStateException("pfn_reader over an empty range");
    }
    PfnReader reader = new PfnReader(env, pages, startIndex, lastIndex);
    try {
      reader.next();
    } catch (KernelException e) {
      reader.destroy();
      throw e;
    }
    return reader;
  }

  /** {@code pfn_reader_done}. */
  boolean done() {
    return batchStartIndex == lastIndex + 1;
  }

  /** {@code pfn_reader_next}: fills the batch with the following PFNs until it is full. */
  void next() {
    batch.clear();
    batchStartIndex = batchEndIndex;
    while (batchEndIndex != lastIndex + 1) {
      long before = batch.totalPfns();
      if (span.done()) {
        throw new IllegalStateException("pfn_reader ran out of spans");
      }
      fillSpan();
      if (batch.totalPfns() == 0) {
        throw new IllegalStateException("pfn_reader read no PFN");
      }
      batchEndIndex = batchStartIndex + batch.totalPfns();
      if (batchEndIndex == span.last() + 1) {
        span.next();
      }
      if (before == batch.totalPfns()) {
        return;
      }
    }
  }

  /** {@code pfn_reader_fill_span}: loads the current span from its tier. */
  private void fillSpan() {
    long startIndex = batchEndIndex;
    if (span.isUsed() == 1) {
      batch.addFromXarray(pages.pinnedPfns, startIndex, span.last(), false);
      return;
    }
    if (span.isUsed() == 2) {
      IoptArea area = pages.findDomainArea(startIndex);
      DomainFill.batchFromDomain(batch, area.storageDomain, area, startIndex,
          Math.min(area.lastIndex, span.last()));
      return;
    }
    if (startIndex >= user.upagesEnd) {
      user.pin(startIndex, span.last());
    }
    batch.add(user.pfnOf(startIndex), user.upagesEnd - startIndex);
  }

  /**
   * {@code pfn_reader_unpin}: unpins the batch's PFNs that nothing else holds (indexes in
   * neither itree).
   */
  void unpin() {
    long start = batchStartIndex;
    for (DoubleSpanIterator s = new DoubleSpanIterator().first(
            pages.accessItree, pages.domainsItree, start, batchEndIndex - 1);
        !s.done(); s.next()) {
      if (s.isUsed() == 0) {
        batch.unpin(env, pages, s.start() - start, s.last() - s.start() + 1);
      }
    }
  }

  /**
   * {@code pfn_reader_release_pins}: drops the pins the reader holds, origin pins not yet in
   * the batch first. Error paths call it before unfilling, so that {@code npinned} only
   * decreases from then on (seed bug "pin release before unfill").
   */
  void releasePins() {
    if (user.upagesEnd > batchEndIndex) {
      long npages = user.upagesEnd - batchEndIndex;
      env.memory().unpinPages(user.pfnOf(batchEndIndex), npages);
      pages.subNpinned(npages);
      user.upagesEnd = batchEndIndex;
    }
    if (batchStartIndex != batchEndIndex) {
      unpin();
      batchStartIndex = batchEndIndex;
    }
  }

  /** {@code pfn_reader_update_pinned}. */
  void updatePinned() {
    PinAccounting.updatePinned(env, pages);
  }

  /** {@code pfn_reader_destroy}: releases what is left; the charge must be reconciled. */
  void destroy() {
    releasePins();
    if (pages.lastNpinned != pages.npinned) {
      env.log().warn("pfn_reader_destroy", "pages " + pages.id + " last_npinned "
          + pages.lastNpinned + " != npinned " + pages.npinned);
    }
  }
}
