package io.vfiomigrate.iommufd.iopt;

import io.vfiomigrate.api.Errno;
import io.vfiomigrate.api.KernelException;
import io.vfiomigrate.api.U64;
import io.vfiomigrate.host.Mm;
import io.vfiomigrate.host.Task;
import io.vfiomigrate.host.UserStruct;
import java.util.HashMap;

/**
 * {@code struct iopt_pages}: the PFNs of one linear range of a task's address space, shared
 * by every area (in every IOAS) that maps a slice of it, so each page is pinned and charged
 * once however many areas, domains and accesses hold it.
 *
 * <p>Units: {@code index} counts pages from {@code uptr} (the user address rounded down to a
 * page), {@code [0, npages)}.
 *
 * <p>Storage tiers (pages.c): a page index is pinned exactly when it lies in an interval of
 * {@link #accessItree} (in-kernel accesses; its PFN is then in {@link #pinnedPfns}) or of
 * {@link #domainsItree} (areas whose PFNs an IOMMU domain stores). Otherwise it is only
 * described by the origin, the source task's memory.
 *
 * <p>Invariants between operations: {@code npinned == lastNpinned}, and {@code npinned} is the
 * number of indexes in the union of both itrees; the xarray holds exactly the indexes of the
 * access itree; the mode's counter was charged {@code lastNpinned} pages.
 */
public final class IoptPages {
  final int id;
  final long npages;
  final long uptr;
  final boolean writable;
  final Task sourceTask;
  final Mm sourceMm;
  final UserStruct sourceUser;
  AccountMode accountMode;
  long npinned;
  long lastNpinned;
  final PinnedPfns pinnedPfns = new PinnedPfns();
  final IntervalTree<PagesAccess> accessItree = new IntervalTree<>();
  /**
   * The accesses of {@link #accessItree} by exact bounds, at most one each (equal intervals share
   * an access): iopt_pages_get_exact_access in O(1) instead of a walk of the overlapping ones.
   */
  final HashMap<PagesAccess.Bounds, PagesAccess> accessByBounds = new HashMap<>();
  final IntervalTree<IoptArea> domainsItree = new IntervalTree<>();
  private int kref = 1;

  private IoptPages(int id, long uptr, long length, boolean writable, Task current) {
    this.id = id;
    this.uptr = U64.alignDown(uptr, IoptEnv.PAGE_SIZE);
    this.npages = (length + (uptr - this.uptr) + IoptEnv.PAGE_SIZE - 1) / IoptEnv.PAGE_SIZE;
    this.writable = writable;
    this.sourceTask = current;
    this.sourceMm = current.mm();
    this.sourceUser = current.user();
    this.accountMode = current.capIpcLock() ? AccountMode.NONE : AccountMode.USER;
  }

  /**
   * {@code iopt_alloc_pages}: pages for {@code [uptr, uptr + length)} of {@code current}'s
   * address space, charged to {@code current} in mode NONE (CAP_IPC_LOCK) or USER.
   *
   * @throws KernelException EINVAL for a zero length or one above {@code SIZE_MAX -
   *     PAGE_SIZE}; EOVERFLOW if {@code uptr + length} wraps (seed bug "uptr overflow");
   *     ENOMEM (injected)
   */
  static IoptPages alloc(IoptEnv env, long uptr, long length, boolean writable, Task current) {
    if (length == 0 || U64.greaterThan(length, U64.MAX - IoptEnv.PAGE_SIZE)) {
      throw KernelException.of(Errno.EINVAL, "iopt_alloc_pages: length %s", U64.hex(length));
    }
    if (U64.addOverflows(uptr, length)) {
      throw KernelException.of(Errno.EOVERFLOW, "iopt_alloc_pages: uptr %s + length %s wraps",
          U64.hex(uptr), U64.hex(length));
    }
    env.kzalloc("iopt_alloc_pages");
    return new IoptPages(env.nextPagesId(), uptr, length, writable, current);
  }

  /** {@code kref_get}: another area or pages list element refers to these pages. */
  void get() {
    kref++;
  }

  /** {@code iopt_put_pages}: drops a reference; the last one releases the pages. */
  void put(IoptEnv env) {
    if (--kref > 0) {
      return;
    }
    if (!accessItree.isEmpty() || !domainsItree.isEmpty() || npinned != 0
        || !pinnedPfns.isEmpty()) {
      env.log().warn("iopt_release_pages", "pages " + id + " released while holding pins: "
          + describe());
    }
  }

  /** {@code iopt_pages_add_npinned}. */
  void addNpinned(long count) {
    npinned += count;
    if (npinned > npages) {
      throw new IllegalStateException("pages " + id + " npinned " + npinned + " > npages");
    }
  }

  /** {@code iopt_pages_sub_npinned}. */
  void subNpinned(long count) {
    npinned -= count;
    if (npinned < 0) {
      throw new IllegalStateException("pages " + id + " npinned dropped below zero");
    }
  }

  /** {@code iopt_pages_find_domain_area}: an area whose domain stores {@code pageIndex}. */
  IoptArea findDomainArea(long pageIndex) {
    IntervalTree.Node<IoptArea> node = domainsItree.iterFirst(pageIndex, pageIndex);
    if (node == null) {
      throw new IllegalStateException("pages " + id + " index " + pageIndex + " in no domain");
    }
    return node.value();
  }

  /** {@code iopt_pages_get_exact_access}: the access interval exactly {@code [index, last]}. */
  PagesAccess exactAccess(long index, long last) {
    return accessByBounds.get(new PagesAccess.Bounds(index, last));
  }


  public int id() {
    return id;
  }

  public long npages() {
    return npages;
  }

  public long npinned() {
    return npinned;
  }

  /** Pins already charged to the mode's counter. */
  public long lastNpinned() {
    return lastNpinned;
  }

  public AccountMode accountMode() {
    return accountMode;
  }

  /** The source task, whose mm was pinned from and whose limits are charged. */
  public Task sourceTask() {
    return sourceTask;
  }

  /** Indexes held in the xarray tier. */
  public long pinnedPfnCount() {
    return pinnedPfns.size();
  }

  /**
   * Checks spec F.5 for these pages: {@code npinned == lastNpinned}, {@code npinned} equals
   * the indexes covered by either itree, and the xarray holds exactly the access indexes.
   *
   * @throws IllegalStateException naming the first broken invariant
   */
  public void checkInvariants() {
    accessItree.checkInvariants();
    if (accessByBounds.size() != accessItree.size()) {
      throw new IllegalStateException("pages " + id + ": " + accessByBounds.size()
          + " accesses by bounds, " + accessItree.size() + " in access_itree");
    }
    for (IntervalTree.Node<PagesAccess> n : accessItree.all()) {
      if (accessByBounds.get(new PagesAccess.Bounds(n.start(), n.last())) != n.value()) {
        throw new IllegalStateException("pages " + id + ": access [" + n.start() + ", "
            + n.last() + "] missing from the index by bounds");
      }
    }
    domainsItree.checkInvariants();
    pinnedPfns.checkInvariants();
    if (npinned != lastNpinned) {
      throw new IllegalStateException("pages " + id + ": npinned " + npinned
          + " != last_npinned " + lastNpinned);
    }
    long covered = 0;
    long accessCovered = 0;
    for (DoubleSpanIterator span = new DoubleSpanIterator().first(
            accessItree, domainsItree, 0, npages - 1); !span.done(); span.next()) {
      long n = span.last() - span.start() + 1;
      if (span.isUsed() != 0) {
        covered += n;
      }
      if (span.isUsed() == 1) {
        accessCovered += n;
      }
    }
    if (covered != npinned) {
      throw new IllegalStateException("pages " + id + ": npinned " + npinned + " but the itrees"
          + " cover " + covered + " indexes");
    }
    if (accessCovered != pinnedPfns.size()) {
      throw new IllegalStateException("pages " + id + ": xarray holds " + pinnedPfns.size()
          + " PFNs but accesses cover " + accessCovered + " indexes");
    }
  }

  /** Deterministic description for state comparisons. */
  public String describe() {
    StringBuilder out = new StringBuilder("pages ").append(id).append(" uptr ")
        .append(U64.hex(uptr)).append(" npages ").append(npages).append(writable ? " rw" : " ro")
        .append(" pid ").append(sourceTask.pid()).append(' ').append(accountMode)
        .append(" npinned ").append(npinned).append(" last_npinned ").append(lastNpinned)
        .append(" refs ").append(kref);
    out.append("\n    domains_itree");
    domainsItree.all().forEach(n -> out.append(" [").append(n.start()).append(',')
        .append(n.last()).append(']'));
    out.append("\n    access_itree");
    accessItree.all().forEach(n -> out.append(" [").append(n.start()).append(',')
        .append(n.last()).append("]x").append(n.value().users));
    out.append("\n    xarray ").append(pinnedPfns.dump());
    return out.toString();
  }
}
