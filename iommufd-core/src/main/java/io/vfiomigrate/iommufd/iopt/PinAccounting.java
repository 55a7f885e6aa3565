package io.vfiomigrate.iommufd.iopt;

import io.vfiomigrate.host.FaultPoint;

/**
 * The locked-memory accounting of pages.c: pins change {@code npinned} as they happen, and the
 * charge is reconciled with {@code lastNpinned} afterwards ({@code do_update_pinned}). Charging
 * after the fact keeps the pin paths simple: when the limit is exceeded the caller's error
 * path unpins everything it just pinned and the counters never moved.
 */
final class PinAccounting {
  private PinAccounting() {}

  /**
   * {@code pfn_reader_user_update_pinned}: charges the pins taken since the last
   * reconciliation, or uncharges the ones released.
   *
   * @throws io.vfiomigrate.api.KernelException ENOMEM over RLIMIT_MEMLOCK or injected;
   *     nothing is charged then
   */
  static void updatePinned(IoptEnv env, IoptPages pages) {
    if (pages.npinned == pages.lastNpinned) {
      return;
    }
    if (pages.npinned < pages.lastNpinned) {
      doUpdatePinned(env, pages, pages.lastNpinned - pages.npinned, false);
      return;
    }
    env.faults().check(FaultPoint.CHARGE, "pfn_reader_user_update_pinned");
    doUpdatePinned(env, pages, pages.npinned - pages.lastNpinned, true);
  }

  /** {@code update_unpinned}: uncharges the pins released since the last reconciliation. */
  static void updateUnpinned(IoptEnv env, IoptPages pages) {
    if (pages.npinned > pages.lastNpinned) {
      env.log().warn("update_unpinned", "pages " + pages.id + " npinned " + pages.npinned
          + " above last_npinned " + pages.lastNpinned);
      return;
    }
    if (pages.npinned != pages.lastNpinned) {
      doUpdatePinned(env, pages, pages.lastNpinned - pages.npinned, false);
    }
  }

  /**
   * {@code do_update_pinned}: moves the mode's counter by {@code npages}, then
   * {@code pinned_vm}, in every mode.
   */
  private static void doUpdatePinned(IoptEnv env, IoptPages pages, long npages, boolean inc) {
    switch (pages.accountMode) {
      case NONE:
        break;
      case USER:
        if (inc) {
          pages.sourceUser.incrLockedVm(npages, pages.sourceTask.memlockLimitPages());
        } else if (pages.sourceUser.lockedVm() < npages) {
          // decr_user_locked_vm refuses to go below zero but the release goes on.
          env.log().warn("decr_user_locked_vm", "uid " + pages.sourceUser.uid() + " locked_vm "
              + pages.sourceUser.lockedVm() + " below the " + npages + " pages released");
        } else {
          pages.sourceUser.decrLockedVm(npages);
        }
        break;
      case MM:
        pages.sourceMm.accountLockedVm(npages, inc, pages.sourceTask, false);
        break;
    }
    pages.lastNpinned = pages.npinned;
    pages.sourceMm.addPinnedVm(inc ? npages : -npages);
  }
}
