package io.vfiomigrate.host;

import io.vfiomigrate.api.Errno;
import io.vfiomigrate.api.KernelException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code struct user_struct}: per-uid state shared by every process of a user. iommufd's USER
 * accounting charges {@code locked_vm} here, lock-free, against the RLIMIT_MEMLOCK of the task
 * that created the pages.
 */
public final class UserStruct {
  private final int uid;
  private final AtomicLong lockedVm = new AtomicLong();
  private final FaultInjector faults;
  private final KernelLog log;

  UserStruct(int uid, FaultInjector faults, KernelLog log) {
    this.uid = uid;
    this.faults = faults;
    this.log = log;
  }

  public int uid() {
    return uid;
  }

  /** {@code user->locked_vm} in pages. */
  public long lockedVm() {
    return lockedVm.get();
  }

  /**
   * iommufd's {@code incr_user_locked_vm}: a compare-and-exchange loop that refuses to take
   * the counter above {@code limitPages}.
   *
   * @throws KernelException ENOMEM over the limit (nothing charged)
   */
  public void incrLockedVm(long npages, long limitPages) {
    faults.check(FaultPoint.CHARGE, "incr_user_locked_vm");
    long current = lockedVm.get();
    while (true) {
      long next = current + npages;
      if (next > limitPages) {
        throw KernelException.of(
            Errno.ENOMEM,
            "incr_user_locked_vm: uid %d locked_vm %d + %d pages exceeds RLIMIT_MEMLOCK %d pages",
            uid, current, npages, limitPages);
      }
      long witnessed = lockedVm.compareAndExchange(current, next);
      if (witnessed == current) {
        return;
      }
      current = witnessed;
    }
  }

  /** iommufd's {@code decr_user_locked_vm}; warns if the counter would drop below zero. */
  public void decrLockedVm(long npages) {
    long next = lockedVm.addAndGet(-npages);
    if (next < 0) {
      log.warn("decr_user_locked_vm", "uid " + uid + " locked_vm dropped to " + next);
    }
  }
}
