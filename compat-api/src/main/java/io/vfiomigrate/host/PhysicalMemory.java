package io.vfiomigrate.host;

import io.vfiomigrate.api.Errno;
import io.vfiomigrate.api.KernelException;
import io.vfiomigrate.api.U64;
import java.util.Map;
import java.util.TreeMap;

/**
 * The host's page frames: where each task's memory lies physically, and how many FOLL_PIN
 * references each page holds. Pin counts are kept per VMA page range (see {@link PinCounts}),
 * so state scales with the extents pinned, not with the pages.
 *
 * <p>Layout: RAM VMAs get private PFN pools from {@link #RAM_BASE_PFN} upwards, in config
 * order, each aligned to 1 GiB and followed by a 1 GiB gap, so no two VMAs are physically
 * adjacent. MMIO VMAs get reserved pools from {@link #MMIO_BASE_PFN}.
 *
 * <p>Invariant: {@link #pinnedPages()} and {@link #pinRefs()} equal the sums over every VMA's
 * pin counts.
 */
public final class PhysicalMemory {
  /** First RAM frame: 4 GiB, above the legacy low memory. */
  public static final long RAM_BASE_PFN = 0x100000;
  /** First MMIO frame: 4 PiB, beyond any RAM the host can have. */
  public static final long MMIO_BASE_PFN = 1L << 40;
  private static final long POOL_ALIGNMENT = 262144;

  private final long pageSize;
  private final FaultInjector faults;
  private final TreeMap<Long, Vma> byPfn = new TreeMap<>();
  private long pinnedPages;
  private long pinRefs;

  PhysicalMemory(long pageSize, FaultInjector faults) {
    this.pageSize = pageSize;
    this.faults = faults;
  }

  /** Places the VMAs of {@code config}'s regions, in order, and returns them. */
  Vma[] layOut(HostConfig config) {
    Vma[] vmas = new Vma[config.regions().size()];
    long ramCursor = RAM_BASE_PFN;
    long mmioCursor = MMIO_BASE_PFN;
    for (int i = 0; i < vmas.length; i++) {
      RegionSpec spec = config.regions().get(i);
      boolean mmio = spec.backing() == Backing.MMIO;
      long base = U64.alignUp(mmio ? mmioCursor : ramCursor, POOL_ALIGNMENT);
      Vma vma = new Vma(spec, base, pageSize);
      long next = base + vma.poolPages() + POOL_ALIGNMENT;
      if (mmio) {
        mmioCursor = next;
      } else {
        ramCursor = next;
      }
      byPfn.put(base, vma);
      vmas[i] = vma;
    }
    return vmas;
  }

  /**
   * {@code pin_user_pages(FOLL_PIN | FOLL_LONGTERM [| FOLL_WRITE])} of the physically
   * contiguous run that starts at {@code vaddr}: at most {@code maxPages} pages, ending early
   * at the end of a huge page, of the VMA, or where the next page is elsewhere physically.
   * Callers loop to pin longer ranges.
   *
   * @throws KernelException EFAULT if {@code vaddr} is not mapped, is VM_PFNMAP (MMIO), or is
   *     read-only and {@code write} is asked
   */
  public PfnRun pinUserPages(Mm mm, long vaddr, long maxPages, boolean write) {
    Vma vma = pinnableVma(mm, vaddr, maxPages, write);
    faults.check(FaultPoint.PIN, "pin_user_pages");
    long index = vma.indexOf(vaddr, pageSize);
    long npages = Math.min(maxPages, vma.contiguousPages(index));
    addPins(vma, index, npages, 1);
    return new PfnRun(vma.pfn(index), npages, false);
  }

  /**
   * {@code follow_pfnmap}: the reserved frames behind a VM_PFNMAP mapping at {@code vaddr}, at
   * most {@code maxPages}, up to the end of the VMA. Nothing is pinned.
   *
   * @throws KernelException EFAULT if {@code vaddr} is not in a VM_PFNMAP VMA
   */
  public PfnRun followPfnmap(Mm mm, long vaddr, long maxPages) {
    requirePageAligned(vaddr, maxPages);
    Vma vma = mm.findVma(vaddr);
    if (vma == null || !vma.isPfnmap()) {
      throw KernelException.of(Errno.EFAULT, "follow_pfnmap: %s of pid %d is not VM_PFNMAP",
          U64.hex(vaddr), mm.ownerPid());
    }
    long index = vma.indexOf(vaddr, pageSize);
    long npages = Math.min(maxPages, vma.npages() - index);
    return new PfnRun(vma.pfn(index), npages, true);
  }

  /**
   * {@code unpin_user_pages} of {@code [pfn, pfn + npages)}: drops one pin from each page.
   * Unpinning never fails in the kernel; here a page without a pin is a model bug.
   *
   * @throws IllegalStateException, changing nothing, if a page is reserved or not pinned
   */
  public void unpinPages(long pfn, long npages) {
    long done = 0;
    while (done < npages) {
      Vma vma = ramVma(pfn + done);
      long index = vma.index(pfn + done);
      long step = Math.min(npages - done, vma.contiguousPages(index));
      vma.pins().requireAtLeast(index, index + step - 1, 1);
      done += step;
    }
    done = 0;
    while (done < npages) {
      Vma vma = ramVma(pfn + done);
      long index = vma.index(pfn + done);
      long step = Math.min(npages - done, vma.contiguousPages(index));
      addPins(vma, index, step, -1);
      done += step;
    }
  }

  /** The FOLL_PIN count of the page at {@code pfn}; 0 for reserved frames. */
  public long pinCount(long pfn) {
    Vma vma = vmaOf(pfn);
    if (vma == null || vma.isPfnmap()) {
      return 0;
    }
    return vma.pins().count(vma.index(pfn));
  }

  /** The FOLL_PIN count of the page mapped at {@code vaddr} in {@code mm}; 0 if unmapped. */
  public long pinCount(Mm mm, long vaddr) {
    Vma vma = mm.findVma(vaddr);
    return vma == null || vma.isPfnmap() ? 0 : vma.pins().count(vma.indexOf(vaddr, pageSize));
  }

  /** The frame mapped at {@code vaddr} in {@code mm}, without pinning; -1 if unmapped. */
  public long pfnAt(Mm mm, long vaddr) {
    Vma vma = mm.findVma(vaddr);
    return vma == null ? -1 : vma.pfn(vma.indexOf(vaddr, pageSize));
  }

  /** {@code is_invalid_reserved_pfn}: frames that are not RAM of any task. */
  public boolean isReservedPfn(long pfn) {
    Vma vma = vmaOf(pfn);
    return vma == null || vma.isPfnmap();
  }

  /** Distinct pages with at least one pin. */
  public long pinnedPages() {
    return pinnedPages;
  }

  /** The sum of every page's pin count. */
  public long pinRefs() {
    return pinRefs;
  }

  /** Stored pin-count segments over all VMAs: the size of this model's per-page state. */
  public long pinSegments() {
    long total = 0;
    for (Vma vma : byPfn.values()) {
      total += vma.pins().segmentCount();
    }
    return total;
  }

  /** Every pinned range, per VMA in layout order: equal strings mean equal pin counts. */
  public String dumpPins() {
    StringBuilder out = new StringBuilder();
    for (Vma vma : byPfn.values()) {
      if (!vma.pins().isEmpty()) {
        out.append("pid ").append(vma.spec().pid()).append(' ')
            .append(U64.hex(vma.vmStart())).append(": ").append(vma.pins().dump()).append('\n');
      }
    }
    return out.toString();
  }

  private Vma pinnableVma(Mm mm, long vaddr, long maxPages, boolean write) {
    requirePageAligned(vaddr, maxPages);
    Vma vma = mm.findVma(vaddr);
    if (vma == null) {
      throw KernelException.of(Errno.EFAULT, "pin_user_pages: %s is not mapped in pid %d",
          U64.hex(vaddr), mm.ownerPid());
    }
    if (vma.isPfnmap()) {
      throw KernelException.of(Errno.EFAULT, "pin_user_pages: %s of pid %d is VM_PFNMAP",
          U64.hex(vaddr), mm.ownerPid());
    }
    if (write && vma.readOnly()) {
      throw KernelException.of(Errno.EFAULT,
          "pin_user_pages: FOLL_WRITE on read-only %s of pid %d", U64.hex(vaddr), mm.ownerPid());
    }
    return vma;
  }

  private void requirePageAligned(long vaddr, long maxPages) {
    if (!U64.isAligned(vaddr, pageSize) || maxPages <= 0) {
      throw new IllegalArgumentException(
          "GUP needs a page-aligned address and a positive count: " + U64.hex(vaddr) + ", " + maxPages);
    }
  }

  private void addPins(Vma vma, long index, long npages, long delta) {
    PinCounts.Delta change = vma.pins().add(index, index + npages - 1, delta);
    pinnedPages += change.pinnedPages();
    pinRefs += change.pinRefs();
  }

  private Vma vmaOf(long pfn) {
    Map.Entry<Long, Vma> e = byPfn.floorEntry(pfn);
    return e != null && e.getValue().index(pfn) >= 0 ? e.getValue() : null;
  }

  private Vma ramVma(long pfn) {
    Vma vma = vmaOf(pfn);
    if (vma == null || vma.isPfnmap()) {
      throw new IllegalStateException("PFN " + U64.hex(pfn) + " is not pinnable RAM");
    }
    return vma;
  }
}
