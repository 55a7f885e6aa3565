package io.vfiomigrate.host;

import io.vfiomigrate.api.Errno;
import io.vfiomigrate.api.KernelException;
import io.vfiomigrate.api.U64;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code struct mm_struct}: a task's address space and its two locked-memory counters,
 * {@code locked_vm} (VmLck) and {@code pinned_vm} (VmPin), in pages.
 */
public final class Mm {
  private final int ownerPid;
  private final TreeMap<Long, Vma> vmas = new TreeMap<>(Long::compareUnsigned);
  private final FaultInjector faults;
  private final KernelLog log;
  private long lockedVm;
  private long pinnedVm;

  Mm(int ownerPid, FaultInjector faults, KernelLog log) {
    this.ownerPid = ownerPid;
    this.faults = faults;
    this.log = log;
  }

  void addVma(Vma vma) {
    vmas.put(vma.vmStart(), vma);
  }

  /** The VMA containing {@code vaddr}, or null (find_vma plus the start check). */
  Vma findVma(long vaddr) {
    Map.Entry<Long, Vma> e = vmas.floorEntry(vaddr);
    return e != null && e.getValue().contains(vaddr) ? e.getValue() : null;
  }

  public int ownerPid() {
    return ownerPid;
  }

  /** {@code mm->locked_vm} in pages. */
  public long lockedVm() {
    return lockedVm;
  }

  /** {@code mm->pinned_vm} in pages. */
  public long pinnedVm() {
    return pinnedVm;
  }

  /**
   * {@code __account_locked_vm(mm, pages, inc, task, bypass_rlim)} of mm/util.c. An increase
   * fails with ENOMEM if {@code locked_vm + pages} would exceed {@code task}'s RLIMIT_MEMLOCK,
   * unless {@code bypassRlim} (CAP_IPC_LOCK): then the limit is not checked but the counter
   * still grows. A decrease never fails; going below zero is warned about.
   *
   * @throws KernelException ENOMEM over the limit (nothing charged)
   */
  public void accountLockedVm(long npages, boolean inc, Task task, boolean bypassRlim) {
    if (inc) {
      faults.check(FaultPoint.CHARGE, "__account_locked_vm");
      long limit = task.memlockLimitPages();
      if (!bypassRlim && lockedVm + npages > limit) {
        throw KernelException.of(
            Errno.ENOMEM,
            "__account_locked_vm: pid %d locked_vm %d + %d pages exceeds RLIMIT_MEMLOCK %d pages of pid %d",
            ownerPid, lockedVm, npages, limit, task.pid());
      }
      lockedVm += npages;
      return;
    }
    if (npages > lockedVm) {
      log.warn("__account_locked_vm", "pid " + ownerPid + " locked_vm " + lockedVm
          + " is below the " + npages + " pages being released");
    }
    lockedVm -= npages;
  }

  /** {@code atomic64_add(npages, &mm->pinned_vm)}; a negative value subtracts. */
  public void addPinnedVm(long npages) {
    pinnedVm += npages;
    if (pinnedVm < 0) {
      log.warn("pinned_vm", "pid " + ownerPid + " pinned_vm dropped to " + pinnedVm);
    }
  }

  /** True if {@code [vaddr, vaddr + length)} lies entirely in mapped VMAs. */
  public boolean isMapped(long vaddr, long length) {
    long cursor = vaddr;
    long last = vaddr + length - 1;
    while (true) {
      Vma vma = findVma(cursor);
      if (vma == null) {
        return false;
      }
      if (U64.lessOrEqual(last, vma.vmLast())) {
        return true;
      }
      cursor = vma.vmLast() + 1;
    }
  }

  @Override
  public String toString() {
    return "mm of pid " + ownerPid;
  }
}
