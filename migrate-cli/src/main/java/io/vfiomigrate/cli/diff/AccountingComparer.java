package io.vfiomigrate.cli.diff;

import io.vfiomigrate.cli.shadow.ContainerShadows;
import io.vfiomigrate.cli.shadow.ContainerState;
import io.vfiomigrate.proto.AccountingSnapshot;
import io.vfiomigrate.proto.GroupKind;
import io.vfiomigrate.proto.Task;
import io.vfiomigrate.proto.TaskAccounting;
import io.vfiomigrate.proto.UserAccounting;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Compares the counters of a step and explains each that differs.
 *
 * <p>What each side's counters must look like, whatever happened (else the divergence is
 * unexplained): type1 never moves VmPin nor a user's locked_vm; the right side moves VmLck only in
 * MM accounting and then exactly as VmPin (0 for CAP_IPC_LOCK holders), and a user's locked_vm only
 * in USER accounting, as the sum of VmPin of the uid's processes without CAP_IPC_LOCK. Within those
 * shapes a counter differs either by placement only (the pages charged are the same: rules
 * pinned-vm-iommufd-only, per-user-accounting, cap-ipc-lock, double-pin-refs) or because the pages
 * charged differ, which {@link ChargeTracker} explains.
 *
 * <p>A counter that keeps differing with the same values is reported once, at the first step, and
 * again whenever either side's value changes.
 */
final class AccountingComparer {
  private final HeaderFacts facts;
  private final Comparison comparison;
  private final ChargeTracker charges;
  private final int tasks;
  private final long[][] lastReported;

  /** The field paths of the counters, by counter index: tasks, users, pinnedPages, pinRefs. */
  private final String[] fields;

  /** How explanations name each task's charged pages. */
  private final String[] subjects;

  private final Emitter emitter;

  /** Where comparisons go: step, field, both values, explanation. */
  interface Emitter {
    void emit(String field, long left, long right, Explanation explanation);
  }

  AccountingComparer(
      HeaderFacts facts,
      Comparison comparison,
      ChargeTracker charges,
      AccountingSnapshot zero,
      Emitter emitter) {
    this.facts = facts;
    this.comparison = comparison;
    this.charges = charges;
    this.tasks = zero.getTasksCount();
    this.lastReported = new long[2 * tasks + zero.getUsersCount() + 2][];
    this.fields = new String[lastReported.length];
    this.subjects = new String[tasks];
    for (int i = 0; i < tasks; i++) {
      String pid = Integer.toUnsignedString(zero.getTasks(i).getPid());
      fields[2 * i] = "tasks[pid=" + pid + "].lockedVmPages";
      fields[2 * i + 1] = "tasks[pid=" + pid + "].pinnedVmPages";
      subjects[i] = "the pages charged to pid " + pid;
    }
    for (int u = 0; u < zero.getUsersCount(); u++) {
      fields[2 * tasks + u] =
          "users[uid=" + Integer.toUnsignedString(zero.getUsers(u).getUid()) + "].lockedVmPages";
    }
    fields[fields.length - 2] = "pinnedPages";
    fields[fields.length - 1] = "pinRefs";
    this.emitter = emitter;
  }

  /** Component index of pinnedPages and pinRefs in the ChargeTracker (tasks come first). */
  static int components(AccountingSnapshot zero) {
    return zero.getTasksCount() + 2;
  }

  void compare(
      StepContext context,
      @Nullable Explanation stepCause,
      @Nullable Origin touched,
      boolean compareUsers,
      boolean comparePages) {
    AccountingSnapshot left = context.left.getAccounting();
    AccountingSnapshot right = context.right.getAccounting();
    long bound = context.chargeBound();
    Explanation[] taskCauses = new Explanation[tasks];
    for (int i = 0; i < tasks; i++) {
      int index = i;
      TaskAccounting l = left.getTasks(i);
      TaskAccounting r = right.getTasks(i);
      if (l.getPid() != r.getPid()) {
        throw new IllegalArgumentException(
            "step "
                + context.step
                + ": the sides list different tasks ("
                + l.getPid()
                + ", "
                + r.getPid()
                + ")");
      }
      taskCauses[i] =
          charges.observe(
              i,
              r.getPinnedVmPages() - l.getLockedVmPages(),
              context,
              stepCause,
              touched,
              bound,
              subjects[i]);
      report(
          2 * i,
          l.getLockedVmPages(),
          r.getLockedVmPages(),
          () -> lockedVm(l, r, taskCauses[index]));
      report(
          2 * i + 1,
          l.getPinnedVmPages(),
          r.getPinnedVmPages(),
          () -> pinnedVm(l, r, taskCauses[index]));
    }
    if (compareUsers) {
      for (int u = 0; u < left.getUsersCount(); u++) {
        UserAccounting l = left.getUsers(u);
        UserAccounting r = right.getUsers(u);
        int uid = l.getUid();
        report(
            2 * tasks + u,
            l.getLockedVmPages(),
            r.getLockedVmPages(),
            () -> userLockedVm(context, uid, l, r, taskCauses));
      }
    }
    if (comparePages) {
      int pagesIndex = lastReported.length - 2;
      Explanation pagesCause =
          charges.observe(
              tasks,
              right.getPinnedPages() - left.getPinnedPages(),
              context,
              stepCause,
              touched,
              bound,
              "the distinct pinned pages");
      report(pagesIndex, left.getPinnedPages(), right.getPinnedPages(), () -> pagesCause);
      long extra = extraRefs(context.leftShadow);
      Explanation refsCause =
          charges.observe(
              tasks + 1,
              right.getPinRefs() - (left.getPinRefs() - extra),
              context,
              stepCause,
              touched,
              bound,
              "the pin references (type1's domain+mdev double pins taken out)");
      report(
          pagesIndex + 1,
          left.getPinRefs(),
          right.getPinRefs(),
          () -> refsCause != null ? refsCause : doublePins(extra));
    }
  }

  private Explanation lockedVm(TaskAccounting l, TaskAccounting r, @Nullable Explanation charge) {
    Task task = facts.task(l.getPid());
    boolean cap = task != null && task.getCapIpcLock();
    long expected = !comparison.rightUserMode() && !cap ? r.getPinnedVmPages() : 0;
    String pid = Integer.toUnsignedString(l.getPid());
    if (r.getLockedVmPages() != expected) {
      return inconsistent(
          comparison.right()
              + "'s VmLck of pid "
              + pid
              + " should be "
              + expected
              + (comparison.rightUserMode()
                  ? " in USER accounting"
                  : cap ? " with CAP_IPC_LOCK" : " (its VmPin in MM accounting)"));
    }
    if (cap) {
      return new Explanation(
          Rule.CAP_IPC_LOCK,
          () ->
              "pid "
                  + pid
                  + " has CAP_IPC_LOCK: type1 skips the limit check but still counts VmLck; iommufd"
                  + " maps with accounting NONE (no VmLck, no per-user charge, VmPin still counts)",
          null);
    }
    if (comparison.rightUserMode()) {
      return new Explanation(
          Rule.PER_USER_ACCOUNTING,
          () ->
              "iommufd's USER accounting charges user_struct->locked_vm of uid "
                  + uid(l.getPid())
                  + ", not mm->locked_vm: VmLck of pid "
                  + pid
                  + " stays 0",
          null);
    }
    return charge != null ? charge : inconsistent("VmLck differs although the charged pages agree");
  }

  private Explanation pinnedVm(TaskAccounting l, TaskAccounting r, @Nullable Explanation charge) {
    if (l.getPinnedVmPages() != 0) {
      return inconsistent(
          "type1 never moves mm->pinned_vm, yet VmPin of pid "
              + l.getPid()
              + " is "
              + l.getPinnedVmPages());
    }
    if (charge != null) {
      return charge;
    }
    return new Explanation(
        Rule.PINNED_VM_IOMMUFD_ONLY,
        () ->
            "type1 never moves mm->pinned_vm; iommufd adds every page it pins to the mapper's VmPin"
                + " in every accounting mode (both sides charge pid "
                + Integer.toUnsignedString(l.getPid())
                + " "
                + r.getPinnedVmPages()
                + " pages)",
        null);
  }

  private Explanation userLockedVm(
      StepContext context, int uid, UserAccounting l, UserAccounting r, Explanation[] taskCauses) {
    String who = "uid " + Integer.toUnsignedString(uid);
    if (l.getLockedVmPages() != 0) {
      return inconsistent(
          "type1 never charges user_struct->locked_vm, yet "
              + who
              + " has "
              + l.getLockedVmPages());
    }
    if (!comparison.rightUserMode()) {
      return inconsistent("in MM accounting nothing charges user_struct->locked_vm of " + who);
    }
    long expected = 0;
    long leftEquivalent = 0;
    Explanation firstCause = null;
    AccountingSnapshot left = context.left.getAccounting();
    AccountingSnapshot right = context.right.getAccounting();
    for (int i = 0; i < tasks; i++) {
      Task task = facts.task(left.getTasks(i).getPid());
      if (task == null || task.getUid() != uid || task.getCapIpcLock()) {
        continue;
      }
      expected += right.getTasks(i).getPinnedVmPages();
      leftEquivalent += left.getTasks(i).getLockedVmPages();
      if (firstCause == null && taskCauses[i] != null) {
        firstCause = taskCauses[i];
      }
    }
    if (r.getLockedVmPages() != expected) {
      return inconsistent(
          who
              + "'s locked_vm should be the VmPin of its processes without CAP_IPC_LOCK ("
              + expected
              + ")");
    }
    if (expected == leftEquivalent) {
      return new Explanation(
          Rule.PER_USER_ACCOUNTING,
          () ->
              "type1 never charges user_struct->locked_vm; iommufd's USER accounting charges the "
                  + r.getLockedVmPages()
                  + " pages of "
                  + who
                  + "'s processes there",
          null);
    }
    return firstCause != null
        ? firstCause
        : inconsistent(who + "'s charges differ but none of its tasks' do");
  }

  private Explanation doublePins(long extra) {
    if (extra == 0) {
      return inconsistent("pin references differ although the pinned pages agree");
    }
    return new Explanation(
        Rule.DOUBLE_PIN_REFS,
        () ->
            "type1 pins "
                + extra
                + " pages twice: once for the IOMMU domain and once for the mdev's"
                + " vfio_pfn; iommufd pins a page once whoever holds it",
        null);
  }

  /**
   * Pages type1 pins twice: in every container with an IOMMU domain, the pages its emulated groups'
   * drivers hold.
   */
  private long extraRefs(ContainerShadows shadows) {
    long total = 0;
    for (ContainerState container : shadows.containers()) {
      if (!container.hasGroupOfKind(GroupKind.IOMMU)
          || !container.hasGroupOfKind(GroupKind.EMULATED)) {
        continue;
      }
      total += container.distinctPinnedPages();
    }
    return total;
  }

  private void report(int index, long left, long right, Supplier<Explanation> why) {
    long[] last = lastReported[index];
    if (left == right) {
      lastReported[index] = null;
      return;
    }
    if (last != null && last[0] == left && last[1] == right) {
      return;
    }
    lastReported[index] = new long[] {left, right};
    emitter.emit(fields[index], left, right, why.get());
  }

  private String uid(int pid) {
    Task task = facts.task(pid);
    return task == null ? "?" : Integer.toUnsignedString(task.getUid());
  }

  private static Explanation inconsistent(String text) {
    return new Explanation(null, text, null);
  }
}
