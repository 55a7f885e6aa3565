package io.vfiomigrate.type1;

import static java.util.Objects.requireNonNull;

import io.vfiomigrate.api.Errno;
import io.vfiomigrate.api.KernelException;
import io.vfiomigrate.api.U64;
import io.vfiomigrate.host.HostConfig;
import io.vfiomigrate.host.Mm;
import io.vfiomigrate.host.PfnRun;
import io.vfiomigrate.host.PhysicalMemory;
import io.vfiomigrate.host.Task;

/**
 * Pinning user pages for a dma and charging them: {@code vaddr_get_pfns}, {@code
 * vfio_pin_pages_remote}, {@code vfio_unpin_pages_remote}, {@code vfio_pin_page_external} and
 * {@code put_pfn}.
 *
 * <p>The kernel pins through a {@code vfio_batch} of up to 512 pages, checks RLIMIT_MEMLOCK page
 * by page and keeps pages it pinned past a run's end for the next call. The host here returns a
 * whole physically contiguous run per call, so the model works run by run: the per-page limit
 * check becomes one comparison per run (the first page to exceed the limit exists exactly when
 * the run's chargeable pages would take {@code locked_vm} past it), and no pages are pinned
 * ahead, so no batch is needed. Every run ends up pinned, charged and mapped or not at all, as
 * in the kernel.
 */
final class PagePinner {
  private static final long PAGE_SIZE = HostConfig.PAGE_SIZE;

  private final PhysicalMemory memory;

  PagePinner(PhysicalMemory memory) {
    this.memory = requireNonNull(memory, "memory is null");
  }

  /**
   * {@code vfio_pin_pages_remote}: pins the physically contiguous run of at most {@code npage}
   * pages at {@code vaddr} of {@code current}'s address space and charges the pages that are
   * neither reserved nor already held by a {@code vfio_pfn} to the dma's owner.
   *
   * <p>As in 6.12 the pages come from {@code current->mm} and the limit compared against is
   * {@code current}'s RLIMIT_MEMLOCK and {@code current->mm->locked_vm}; the charge itself
   * ({@code vfio_lock_acct}) goes to the dma's owner and is checked against the owner's limit.
   *
   * @return the run, pinned (unless reserved) and charged
   * @throws KernelException ENOMEM over the limit, EFAULT for an unusable address, or an
   *     injected failure; nothing is pinned or charged then
   */
  PfnRun pinPagesRemote(VfioDma dma, long vaddr, long npage, Task current) {
    Mm mm = current.mm();
    boolean write = dma.prot().write();
    PfnRun run = vaddrGetPfns(mm, vaddr, npage, write);
    while (run.npages() < npage) {
      long next = vaddr + run.npages() * PAGE_SIZE;
      long nextPfn = memory.pfnAt(mm, next);
      if (nextPfn != run.endPfn() || memory.isReservedPfn(nextPfn) != run.reserved()) {
        break;
      }
      PfnRun more;
      try {
        more = vaddrGetPfns(mm, next, npage - run.npages(), write);
      } catch (KernelException e) {
        putPfns(run);
        throw e;
      }
      run = new PfnRun(run.pfn(), run.npages() + more.npages(), run.reserved());
    }
    if (run.reserved()) {
      return run;
    }
    long first = (vaddr - dma.vaddr()) >>> VfioDma.PAGE_SHIFT;
    long lockAcct = run.npages() - dma.pfns().countInRange(first, first + run.npages() - 1);
    long limit = current.memlockLimitPages();
    if (lockAcct > 0 && !dma.lockCap() && mm.lockedVm() + lockAcct > limit) {
      putPfns(run);
      throw KernelException.of(Errno.ENOMEM,
          "vfio_pin_pages_remote: RLIMIT_MEMLOCK (%d pages) of pid %d exceeded: locked_vm %d + %d"
              + " pages of the run at %s", limit, current.pid(), mm.lockedVm(), lockAcct,
          U64.hex(vaddr));
    }
    try {
      dma.lockAcct(lockAcct);
    } catch (KernelException e) {
      putPfns(run);
      throw e;
    }
    return run;
  }

  /**
   * {@code vfio_unpin_pages_remote}: releases the pins of a run starting at page {@code first}
   * of the dma and, if {@code doAccounting}, uncharges those of its pages that no {@code
   * vfio_pfn} keeps charged.
   *
   * @return the pages actually unpinned (0 for reserved frames)
   */
  long unpinPagesRemote(VfioDma dma, long first, long pfn, long npages, boolean reserved,
      boolean doAccounting) {
    if (reserved) {
      return 0;
    }
    memory.unpinPages(pfn, npages);
    if (doAccounting) {
      long locked = dma.pfns().countInRange(first, first + npages - 1);
      dma.lockAcct(locked - npages);
    }
    return npages;
  }

  /**
   * {@code vfio_pin_page_external}: pins the one page at {@code vaddr} of the dma's owner and,
   * if {@code doAccounting} and the page is not reserved, charges it.
   *
   * @throws KernelException as {@link #vaddrGetPfns} or ENOMEM from the charge; nothing stays
   *     pinned then
   */
  PfnRun pinPageExternal(VfioDma dma, long vaddr, boolean doAccounting) {
    PfnRun run = vaddrGetPfns(dma.mm(), vaddr, 1, dma.prot().write());
    if (doAccounting && !run.reserved()) {
      try {
        dma.lockAcct(1);
      } catch (KernelException e) {
        putPfns(run);
        throw e;
      }
    }
    return run;
  }

  /** {@code put_pfn}: unpins one page unless it is reserved; 1 if a page was released. */
  int putPfn(long pfn) {
    if (memory.isReservedPfn(pfn)) {
      return 0;
    }
    memory.unpinPages(pfn, 1);
    return 1;
  }

  /** {@code put_pfn} over a run: unpins it unless its frames are reserved. */
  void putPfns(PfnRun run) {
    if (!run.reserved()) {
      memory.unpinPages(run.pfn(), run.npages());
    }
  }

  /**
   * {@code vaddr_get_pfns}: pins with FOLL_LONGTERM (and FOLL_WRITE for a writable dma); if
   * GUP refuses a VM_PFNMAP mapping, returns its reserved frames unpinned instead.
   *
   * @throws KernelException GUP's error (EFAULT, or an injected ENOMEM) when the address is not
   *     a VM_PFNMAP mapping either
   */
  private PfnRun vaddrGetPfns(Mm mm, long vaddr, long npages, boolean write) {
    try {
      return memory.pinUserPages(mm, vaddr, npages, write);
    } catch (KernelException gupError) {
      try {
        return memory.followPfnmap(mm, vaddr, npages);
      } catch (KernelException notPfnmap) {
        throw gupError;
      }
    }
  }
}
