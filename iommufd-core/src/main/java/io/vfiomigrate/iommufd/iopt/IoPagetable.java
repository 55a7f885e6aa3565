package io.vfiomigrate.iommufd.iopt;

import static java.util.Objects.requireNonNull;

import io.vfiomigrate.api.Errno;
import io.vfiomigrate.api.IovaRange;
import io.vfiomigrate.api.KernelException;
import io.vfiomigrate.api.Prot;
import io.vfiomigrate.api.U64;
import io.vfiomigrate.host.FaultPoint;
import io.vfiomigrate.host.IommuDomain;
import io.vfiomigrate.host.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code struct io_pagetable} ({@code io_pagetable.c}): the IOVA side of an IOAS. Areas map
 * IOVA to slices of {@link IoptPages}; the allowed ranges steer automatic IOVA allocation; the
 * reserved ranges (domain apertures, device regions) can never be mapped; every attached
 * IOMMU domain mirrors every area; attached accesses are told about unmaps.
 *
 * <p>Invariants (spec F.4): areas never overlap each other or a reserved range; every area's
 * IOVA, length and page offset are multiples of {@code iovaAlignment}, which is the largest of
 * 1 (PAGE_SIZE with large pages disabled), every domain's smallest page size and every
 * access's alignment; allowed ranges never intersect reserved ones; with domains, every area
 * is mapped in each of them and stored by {@code domains[0]} or another of them.
 *
 * <p>Locking: the kernel's order is {@code domains_rwsem -> iova_rwsem -> pages::mutex}. The
 * model is single-threaded; where the kernel drops its locks (the access unmap callback) the
 * callback may re-enter this object.
 */
public final class IoPagetable {
  /** The owner of reservations made by the selftest's {@code IOMMU_TEST_OP_ADD_RESERVED}. */
  public static final Object TEST_RESERVATION_OWNER = new Object() {
    @Override
    public String toString() {
      return "test";
    }
  };
  /** {@code HPAGE_SIZE} with CONFIG_TRANSPARENT_HUGEPAGE: the largest automatic alignment. */
  static final long HPAGE_SIZE = 2L << 20;
  /** How often an unmap asks accesses to unpin before giving up with EDEADLOCK. */
  static final int UNMAP_TRIES = 100;
  /** {@code xa_limit_16b}: access list ids. */
  private static final int ACCESS_ID_LIMIT = 0xFFFF;

  private final IoptEnv env;
  final IntervalTree<IoptArea> areaItree = new IntervalTree<>();
  private final IovaReservations reservations;
  private final List<IommuDomain> domains = new ArrayList<>();
  private final TreeMap<Integer, IoasAccess> accessList = new TreeMap<>();
  private long iovaAlignment = 1;
  private boolean disableLargePages;

  /** {@code iopt_init_table}: no alignment restriction, the whole 64-bit space. */
  public IoPagetable(IoptEnv env) {
    this.env = requireNonNull(env, "env is null");
    this.reservations = new IovaReservations(env);
  }

  /**
   * {@code iopt_map_user_pages}: maps {@code [uptr, uptr + length)} of {@code current} at
   * {@code iova}, or at an automatically chosen IOVA. A new {@link IoptPages} is created, in
   * mode NONE if {@code current} has CAP_IPC_LOCK, else USER, or MM when {@code ctxMode} is.
   * With domains the pages are pinned, mapped and charged now; without, nothing is pinned.
   *
   * @return the IOVA mapped
   * @throws KernelException EINVAL, EOVERFLOW (see {@link IoptPages#alloc}); EINVAL for a
   *     length or IOVA not aligned to {@code iovaAlignment} or a reserved IOVA; EEXIST over an
   *     area; ENOSPC if no IOVA fits; EPERM writing read-only pages; EFAULT, ENOMEM from
   *     pinning and charging. On failure nothing changes.
   */
  public long mapUserPages(Task current, AccountMode ctxMode, long iova, long uptr, long length,
      Prot prot, boolean allocIova) {
    IoptPages pages = IoptPages.alloc(env, uptr, length, prot.write(), current);
    if (ctxMode == AccountMode.MM && pages.accountMode == AccountMode.USER) {
      pages.accountMode = AccountMode.MM;
    }
    try (PagesList list = new PagesList(env)) {
      list.add(pages, uptr - pages.uptr, length);
      return mapPages(list, length, iova, prot, allocIova);
    }
  }

  /**
   * {@code iopt_map_pages}: makes one area per element of {@code list}, consecutive from
   * {@code dstIova} (or an allocated IOVA), fills every domain, and publishes the areas. The
   * areas take the list's page references.
   *
   * @return the first IOVA
   * @throws KernelException as {@link #mapUserPages}; on failure no domain changed, the list
   *     keeps its references, and closing it removes the areas that reserved IOVA
   */
  public long mapPages(PagesList list, long length, long dstIova, Prot prot, boolean allocIova) {
    long iova = allocAreaPages(list, length, dstIova, prot, allocIova);
    fillDomainsPages(list);
    for (PagesList.Element e : list.elements) {
      e.area.pages = e.pages;
      e.pages = null;
      e.area = null;
    }
    return iova;
  }

  /**
   * {@code iopt_get_pages}: references the pages behind {@code [iova, iova + length)}, which
   * contiguous areas must cover completely.
   *
   * @throws KernelException EINVAL for a zero length, EOVERFLOW if the range wraps, ENOENT if
   *     it is not fully mapped, ENOMEM (injected)
   */
  public PagesList getPages(long iova, long length) {
    IovaRange range = IovaRange.ofLength(iova, length);
    PagesList list = new PagesList(env);
    try {
      AreaContigIter iter = AreaContigIter.first(this, range.first(), range.last());
      for (IoptArea area = iter.area(); area != null; area = iter.next()) {
        long last = U64.min(range.last(), area.lastIova);
        env.kzalloc("iopt_get_pages");
        area.pages.get();
        list.add(area.pages, area.startByte(iter.curIova()), last - iter.curIova() + 1);
      }
      if (!iter.done()) {
        throw KernelException.of(Errno.ENOENT, "iopt_get_pages: %s is not fully mapped", range);
      }
      return list;
    } catch (KernelException e) {
      list.close();
      throw e;
    }
  }

  /**
   * {@code iopt_unmap_iova}: removes every area inside {@code [iova, iova + length)}. Not
   * atomic: areas removed before a failure stay removed.
   *
   * @return the bytes unmapped, 0 if nothing was mapped there
   * @throws KernelException EINVAL for a zero length, EOVERFLOW if the range wraps, ENOENT for
   *     an area not fully inside the range, EBUSY for an area being set up, EDEADLOCK when
   *     accesses keep their pins; {@link KernelException#partialResult()} then holds the bytes
   *     unmapped before the failure
   */
  public long unmapIova(long iova, long length) {
    IovaRange range = IovaRange.ofLength(iova, length);
    return unmapIovaRange(range.first(), range.last());
  }

  /** {@code iopt_unmap_all}: {@link #unmapIova} over the whole space; empty is success. */
  public long unmapAll() {
    return unmapIovaRange(0, U64.MAX);
  }

  /** {@code iopt_unmap_iova_range}. */
  private long unmapIovaRange(long first, long last) {
    long unmapped = 0;
    long start = first;
    int tries = 0;
    try {
      while (true) {
        IntervalTree.Node<IoptArea> node = areaItree.iterFirst(start, last);
        if (node == null) {
          return unmapped;
        }
        IoptArea area = node.value();
        if (area.pages == null) {
          throw KernelException.of(Errno.EBUSY, "iopt_unmap_iova: %s is being set up", area);
        }
        if (U64.lessThan(area.iova, start) || U64.greaterThan(area.lastIova, last)) {
          throw KernelException.of(Errno.ENOENT, "iopt_unmap_iova: %s is not inside %s", area,
              new IovaRange(first, last));
        }
        if (area.iova != start) {
          tries = 0;
        }
        if (area.numAccesses != 0) {
          start = area.iova;
          area.preventAccess = true;
          notifyUnmap(area.iova, area.length());
          tries++;
          if (tries > UNMAP_TRIES) {
            env.log().warn("iopt_unmap_iova_range", "accesses keep pins in " + area
                + " after " + UNMAP_TRIES + " unmap requests");
            throw KernelException.of(Errno.EDEADLOCK,
                "iopt_unmap_iova: accesses do not release %s", area);
          }
          continue;
        }
        IoptPages pages = area.pages;
        area.pages = null;
        DomainFill.areaUnfillDomains(env, area, pages);
        abortArea(area);
        pages.put(env);
        unmapped += area.length();
        if (!U64.lessThan(area.lastIova, last)) {
          return unmapped;
        }
        start = area.lastIova + 1;
      }
    } catch (KernelException e) {
      throw e.withPartialResult(unmapped);
    }
  }

  /** {@code iommufd_access_notify_unmap}: every attached access, in access-list order. */
  private void notifyUnmap(long iova, long length) {
    for (Map.Entry<Integer, IoasAccess> e : new ArrayList<>(accessList.entrySet())) {
      if (accessList.get(e.getKey()) == e.getValue()) {
        e.getValue().notifyUnmap(iova, length);
      }
    }
  }

  /**
   * {@code iommufd_ioas_load_iovas} and {@code iopt_set_allow_iova}: replaces the allowed
   * ranges, which steer automatic allocation only. An empty list clears them.
   *
   * @throws KernelException EINVAL for a one-byte range or ranges that overlap, EADDRINUSE if
   *     one intersects a reserved range, ENOMEM (injected); the old ranges stay then
   */
  public void setAllowIova(List<IovaRange> ranges) {
    reservations.setAllowed(ranges);
  }

  /**
   * {@code iopt_reserve_iova}: makes {@code [first, last]} unmappable on behalf of
   * {@code owner}. Reservations of different owners may overlap.
   *
   * @throws KernelException EADDRINUSE if an area or an allowed range intersects it, ENOMEM
   *     (injected)
   */
  public void reserveIova(long first, long last, Object owner) {
    if (areaItree.iterFirst(first, last) != null) {
      throw KernelException.of(Errno.EADDRINUSE, "iopt_reserve_iova: %s is mapped",
          new IovaRange(first, last));
    }
    reservations.reserve(first, last, owner);
  }

  /** {@code iopt_remove_reserved_iova}: drops every reservation of {@code owner}. */
  public void removeReservedIova(Object owner) {
    reservations.remove(owner);
  }

  /**
   * {@code iopt_table_enforce_dev_resv_regions}: reserves a device's regions, all or none.
   *
   * @throws KernelException EINVAL (injected, as the kernel's fault point here), EADDRINUSE
   *     if one is mapped or allowed, ENOMEM (injected)
   */
  public void enforceDevResvRegions(List<IovaRange> regions, Object owner) {
    env.shouldFail(FaultPoint.ALLOC, Errno.EINVAL, "iopt_table_enforce_dev_resv_regions");
    try {
      for (IovaRange r : regions) {
        reserveIova(r.first(), r.last(), owner);
      }
    } catch (KernelException e) {
      removeReservedIova(owner);
      throw e;
    }
  }

  /**
   * {@code iopt_table_add_domain}: raises the alignment to the domain's smallest page size,
   * reserves IOVA outside its aperture, and maps every area into it (pinning and charging
   * what no other tier holds).
   *
   * @throws KernelException EINVAL for a smallest page above PAGE_SIZE, EADDRINUSE if an area
   *     is misaligned for it or lies (or an allowed range does) outside its aperture, EEXIST
   *     if already added, and fill errors (EFAULT, ENOMEM); on failure nothing changes
   */
  public void tableAddDomain(IommuDomain domain) {
    if (domains.contains(domain)) {
      env.log().warn("iopt_table_add_domain", domain + " added twice");
      throw KernelException.of(Errno.EEXIST, "iopt_table_add_domain: %s already added", domain);
    }
    long newAlignment = Math.max(domain.spec().minPageSize(), iovaAlignment);
    if (newAlignment > IoptEnv.PAGE_SIZE) {
      throw KernelException.of(Errno.EINVAL,
          "iopt_table_add_domain: %s pages above PAGE_SIZE", domain);
    }
    if (newAlignment != iovaAlignment) {
      checkIovaAlignment(newAlignment);
    }
    IovaRange aperture = domain.aperture();
    try {
      if (aperture.first() != 0) {
        reserveIova(0, aperture.first() - 1, domain);
      }
      if (aperture.last() != U64.MAX) {
        reserveIova(aperture.last() + 1, U64.MAX, domain);
      }
      env.kzalloc("xa_reserve");
      fillDomain(domain);
    } catch (KernelException e) {
      removeReservedIova(domain);
      throw e;
    }
    iovaAlignment = newAlignment;
    domains.add(domain);
  }

  /**
   * {@code iopt_table_remove_domain}: unmaps every area from the domain; the last domain also
   * unpins and uncharges what no access holds. Never fails.
   */
  public void tableRemoveDomain(IommuDomain domain) {
    int index = domains.indexOf(domain);
    if (index < 0) {
      env.log().warn("iopt_table_remove_domain", domain + " is not in the table");
      return;
    }
    // Keep the list dense by moving the tail into the hole, as the kernel's xarray does.
    IommuDomain tail = domains.remove(domains.size() - 1);
    if (index != domains.size()) {
      domains.set(index, tail);
    }
    unfillDomain(domain);
    removeReservedIova(domain);
    try {
      calculateIovaAlignment();
    } catch (KernelException e) {
      env.log().warn("iopt_table_remove_domain", e.getMessage());
    }
  }

  /**
   * {@code iopt_fill_domain}: maps every published area into a new domain; with no other
   * domain it becomes the storage. On failure the domain is left as it was.
   */
  private void fillDomain(IommuDomain domain) {
    List<IoptArea> areas = areas();
    int i = 0;
    try {
      for (; i < areas.size(); i++) {
        IoptArea area = areas.get(i);
        if (area.pages == null) {
          continue;
        }
        DomainFill.areaFillDomain(env, area, domain);
        if (area.storageDomain == null) {
          area.storageDomain = domain;
          area.linkDomains(area.pages);
        }
      }
    } catch (KernelException e) {
      for (int j = 0; j < i; j++) {
        IoptArea area = areas.get(j);
        if (area.pages == null) {
          continue;
        }
        if (domains.isEmpty()) {
          area.unlinkDomains(area.pages);
          area.storageDomain = null;
        }
        DomainFill.areaUnfillDomain(env, area, area.pages, domain);
      }
      throw e;
    }
  }

  /** {@code iopt_unfill_domain}: the domain has already left {@link #domains}. */
  private void unfillDomain(IommuDomain domain) {
    if (!domains.isEmpty()) {
      IommuDomain storage = domains.get(0);
      for (IoptArea area : areas()) {
        if (area.pages == null) {
          continue;
        }
        if (area.storageDomain == domain) {
          area.storageDomain = storage;
        }
        DomainFill.unmapDomain(env, area, domain);
      }
      return;
    }
    for (IoptArea area : areas()) {
      IoptPages pages = area.pages;
      if (pages == null) {
        continue;
      }
      area.unlinkDomains(pages);
      area.storageDomain = null;
      DomainFill.areaUnfillDomain(env, area, pages, domain);
    }
  }

  /**
   * {@code iopt_add_access}: attaches an access, raising the alignment to its own.
   *
   * @return the access's id in the access list
   * @throws KernelException EADDRINUSE if an area is misaligned for it, EBUSY if the list is
   *     full, ENOMEM (injected)
   */
  public int addAccess(IoasAccess access) {
    env.kzalloc("iopt_add_access");
    int id = 0;
    while (accessList.containsKey(id)) {
      id++;
    }
    if (id > ACCESS_ID_LIMIT) {
      throw KernelException.of(Errno.EBUSY, "iopt_add_access: access list full");
    }
    accessList.put(id, access);
    try {
      calculateIovaAlignment();
    } catch (KernelException e) {
      accessList.remove(id);
      throw e;
    }
    return id;
  }

  /** {@code iopt_remove_access}. Never fails. */
  public void removeAccess(IoasAccess access, int id) {
    if (accessList.get(id) != access) {
      env.log().warn("iopt_remove_access", "access list id " + id + " does not hold the access");
      return;
    }
    accessList.remove(id);
    try {
      calculateIovaAlignment();
    } catch (KernelException e) {
      env.log().warn("iopt_remove_access", e.getMessage());
    }
  }

  /** {@code iopt_calculate_iova_alignment}; a raise is refused if an area is misaligned. */
  private void calculateIovaAlignment() {
    long alignment = disableLargePages ? IoptEnv.PAGE_SIZE : 1;
    for (IommuDomain d : domains) {
      alignment = Math.max(alignment, d.spec().minPageSize());
    }
    for (IoasAccess a : accessList.values()) {
      alignment = Math.max(alignment, a.iovaAlignment());
    }
    if (alignment > iovaAlignment) {
      checkIovaAlignment(alignment);
    }
    iovaAlignment = alignment;
  }

  /** {@code iopt_check_iova_alignment}: every area conforms to {@code alignment}. */
  private void checkIovaAlignment(long alignment) {
    for (IoptArea area : areas()) {
      if (!U64.isAligned(area.iova | area.length() | area.pageOffset, alignment)) {
        throw KernelException.of(Errno.EADDRINUSE, "%s is not aligned to %d", area, alignment);
      }
    }
  }

  /**
   * {@code iopt_disable_large_pages}: maps page by page from now on so that any area can be
   * split later (type1 v1 emulation), and raises the alignment to PAGE_SIZE.
   *
   * @throws KernelException EINVAL if domains already hold areas, EADDRINUSE if an area is not
   *     page aligned; nothing changes then
   */
  public void disableLargePages() {
    if (disableLargePages) {
      return;
    }
    if (!domains.isEmpty() && !areaItree.isEmpty()) {
      throw KernelException.of(Errno.EINVAL,
          "iopt_disable_large_pages: domains already hold mappings");
    }
    disableLargePages = true;
    try {
      calculateIovaAlignment();
    } catch (KernelException e) {
      disableLargePages = false;
      throw e;
    }
  }

  /** {@code iopt_enable_large_pages}. Never fails. */
  public void enableLargePages() {
    disableLargePages = false;
    try {
      calculateIovaAlignment();
    } catch (KernelException e) {
      env.log().warn("iopt_enable_large_pages", e.getMessage());
    }
  }

  /**
   * {@code iopt_cut_iova}: splits the areas holding each IOVA so that the IOVA becomes the
   * last byte of an area (type1 v1 partial unmaps). IOVAs in no area are skipped. Not atomic:
   * cuts made before a failure stay.
   *
   * @throws KernelException see {@link AreaSplit#split}
   */
  public void cutIova(long... iovas) {
    for (long iova : iovas) {
      IntervalTree.Node<IoptArea> node = areaItree.iterFirst(iova, iova);
      if (node != null) {
        AreaSplit.split(env, node.value(), iova);
      }
    }
  }

  /** {@code iopt_alloc_area_pages}: allocates and inserts the areas with null pages. */
  private long allocAreaPages(PagesList list, long length, long dstIova, Prot prot,
      boolean allocIova) {
    for (int i = 0; i < list.elements.size(); i++) {
      env.kzalloc("iopt_area_alloc");
    }
    if (length == 0 || !U64.isAligned(length, iovaAlignment)) {
      throw KernelException.of(Errno.EINVAL, "iopt_alloc_area_pages: length %s not aligned"
          + " to %d", U64.hex(length), iovaAlignment);
    }
    long iova = dstIova;
    if (allocIova) {
      PagesList.Element first = list.elements.get(0);
      iova = IovaAllocator.alloc(this, first.pages.uptr + first.startByte, length);
    } else {
      checkIova(iova, length);
    }
    long cur = iova;
    for (PagesList.Element e : list.elements) {
      e.area = insertArea(e.pages, cur, e.startByte, e.length, prot);
      cur += e.length;
    }
    return iova;
  }

  /**
   * {@code iopt_check_iova}: a fixed IOVA must be aligned, must not wrap, must avoid reserved
   * ranges (EINVAL) and areas (EEXIST). Allowed ranges are not consulted.
   */
  void checkIova(long iova, long length) {
    if (!U64.isAligned(iova, iovaAlignment)) {
      throw KernelException.of(Errno.EINVAL, "iopt_check_iova: %s not aligned to %d",
          U64.hex(iova), iovaAlignment);
    }
    if (U64.addOverflows(iova, length - 1)) {
      throw KernelException.of(Errno.EOVERFLOW, "iopt_check_iova: %s + %s wraps", U64.hex(iova),
          U64.hex(length));
    }
    long last = iova + length - 1;
    if (reservations.isReserved(iova, last)) {
      throw KernelException.of(Errno.EINVAL, "iopt_check_iova: %s is reserved",
          new IovaRange(iova, last));
    }
    if (areaItree.iterFirst(iova, last) != null) {
      throw KernelException.of(Errno.EEXIST, "iopt_check_iova: %s is already mapped",
          new IovaRange(iova, last));
    }
  }

  /** {@code iopt_insert_area}: the area reserves its IOVA but has no pages yet. */
  private IoptArea insertArea(IoptPages pages, long iova, long startByte, long length,
      Prot prot) {
    if (prot.write() && !pages.writable) {
      throw KernelException.of(Errno.EPERM, "iopt_insert_area: pages %d are read-only",
          pages.id);
    }
    if (!U64.isAligned(startByte % IoptEnv.PAGE_SIZE, iovaAlignment)) {
      throw KernelException.of(Errno.EINVAL, "iopt_insert_area: page offset %d not aligned to"
          + " %d", startByte % IoptEnv.PAGE_SIZE, iovaAlignment);
    }
    if (U64.addOverflows(iova, length - 1) || U64.addOverflows(startByte, length - 1)) {
      throw KernelException.of(Errno.EOVERFLOW, "iopt_insert_area: %s + %s wraps",
          U64.hex(iova), U64.hex(length));
    }
    if ((startByte + length - 1) / IoptEnv.PAGE_SIZE >= pages.npages) {
      env.log().warn("iopt_insert_area", "slice beyond pages " + pages.id);
      throw KernelException.of(Errno.EOVERFLOW, "iopt_insert_area: slice beyond the pages");
    }
    IoptArea area = new IoptArea(this, iova, startByte, length, prot);
    area.linkIova(areaItree);
    return area;
  }

  /** {@code iopt_fill_domains_pages}: fills every new area, undoing earlier ones on failure. */
  private void fillDomainsPages(PagesList list) {
    int i = 0;
    try {
      for (; i < list.elements.size(); i++) {
        PagesList.Element e = list.elements.get(i);
        DomainFill.areaFillDomains(env, e.area, e.pages);
      }
    } catch (KernelException ex) {
      for (int j = 0; j < i; j++) {
        PagesList.Element e = list.elements.get(j);
        DomainFill.areaUnfillDomains(env, e.area, e.pages);
      }
      throw ex;
    }
  }

  /** {@code iopt_abort_area}: removes an area without pages from the IOVA tree. */
  void abortArea(IoptArea area) {
    if (area.pages != null) {
      env.log().warn("iopt_abort_area", area + " still has pages");
    }
    area.unlinkIova(areaItree);
  }

  /**
   * {@code iopt_destroy_table}, after {@link #unmapAll}: drops the allowed ranges and the
   * selftest's reservations, and warns about anything still attached.
   */
  public void destroyTable() {
    removeReservedIova(TEST_RESERVATION_OWNER);
    reservations.clearAllowed();
    if (!reservations.isEmpty() || !domains.isEmpty() || !accessList.isEmpty()
        || !areaItree.isEmpty()) {
      env.log().warn("iopt_destroy_table", "table destroyed while in use:\n" + dump());
    }
  }

  /** The holes of the reserved ranges over the whole space ({@code IOMMU_IOAS_IOVA_RANGES}). */
  public List<IovaRange> iovaRanges() {
    return reservations.holes();
  }

  public IoptEnv env() {
    return env;
  }

  public long iovaAlignment() {
    return iovaAlignment;
  }

  /** Whether maps go page by page ({@code disable_large_pages}); HUGE_PAGES reads the inverse. */
  public boolean largePagesDisabled() {
    return disableLargePages;
  }

  /** The attached domains, {@code domains[0]} first. */
  public List<IommuDomain> domains() {
    return List.copyOf(domains);
  }

  List<IommuDomain> domainList() {
    return domains;
  }

  /** Number of areas. */
  public int areaCount() {
    return areaItree.size();
  }

  /** Whether no area exists. */
  public boolean isEmpty() {
    return areaItree.isEmpty();
  }

  IovaReservations reservations() {
    return reservations;
  }

  /** Every area in IOVA order. */
  List<IoptArea> areas() {
    List<IoptArea> out = new ArrayList<>(areaItree.size());
    areaItree.all().forEach(n -> out.add(n.value()));
    return out;
  }

  /** Adds the pages of this table's areas to {@code out} (pages have identity equality). */
  public void collectPages(Set<IoptPages> out) {
    for (IoptArea area : areas()) {
      if (area.pages != null) {
        out.add(area.pages);
      }
    }
  }

  /**
   * Checks spec F.4 for this table and that every domain maps exactly the areas.
   *
   * @throws IllegalStateException naming the first broken invariant
   */
  public void checkInvariants() {
    areaItree.checkInvariants();
    reservations.checkInvariants();
    long mapped = 0;
    IoptArea previous = null;
    for (IoptArea area : areas()) {
      if (area.pages == null) {
        throw new IllegalStateException(area + " has no pages between operations");
      }
      if (previous != null && !U64.lessThan(previous.lastIova, area.iova)) {
        throw new IllegalStateException(area + " overlaps " + previous);
      }
      if (reservations.isReserved(area.iova, area.lastIova)) {
        throw new IllegalStateException(area + " overlaps a reserved range");
      }
      if (!U64.isAligned(area.iova | area.length() | area.pageOffset, iovaAlignment)) {
        throw new IllegalStateException(area + " is not aligned to " + iovaAlignment);
      }
      if (domains.isEmpty() != (area.storageDomain == null)
          || (area.storageDomain != null && !domains.contains(area.storageDomain))
          || area.domainsLinked() != (area.storageDomain != null)) {
        throw new IllegalStateException(area + " storage domain " + area.storageDomain
            + " inconsistent with " + domains);
      }
      if (area.numAccesses < 0) {
        throw new IllegalStateException(area + " has negative accesses");
      }
      mapped += area.length();
      previous = area;
    }
    for (IommuDomain d : domains) {
      if (d.mappedBytes() != mapped) {
        throw new IllegalStateException(d + " maps " + d.mappedBytes() + " bytes, areas cover "
            + mapped);
      }
    }
    long expected = disableLargePages ? IoptEnv.PAGE_SIZE : 1;
    for (IommuDomain d : domains) {
      expected = Math.max(expected, d.spec().minPageSize());
    }
    for (IoasAccess a : accessList.values()) {
      expected = Math.max(expected, a.iovaAlignment());
    }
    if (expected != iovaAlignment) {
      throw new IllegalStateException("iova_alignment " + iovaAlignment + " should be " + expected);
    }
  }

  /** Deterministic description: alignment, allowed, reserved, areas and domains. */
  public String dump() {
    StringBuilder out = new StringBuilder("iova_alignment ").append(iovaAlignment)
        .append(disableLargePages ? " large pages disabled" : "");
    reservations.dump(out);
    for (IoptArea area : areas()) {
      out.append("\n  area ").append(area).append(" pages ")
          .append(area.pages == null ? "-" : String.valueOf(area.pages.id)).append(' ')
          .append(area.prot).append(" storage ")
          .append(area.storageDomain == null ? "-" : String.valueOf(area.storageDomain.id()))
          .append(area.preventAccess ? " prevent_access" : "")
          .append(" accesses ").append(area.numAccesses);
    }
    for (IommuDomain d : domains) {
      out.append("\n  ").append(d.dump().replace("\n", "\n  "));
    }
    out.append("\n  access_list ").append(accessList.keySet());
    return out.toString();
  }
}
