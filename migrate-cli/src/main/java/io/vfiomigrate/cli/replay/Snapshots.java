package io.vfiomigrate.cli.replay;

import io.vfiomigrate.proto.AccountingSnapshot;
import io.vfiomigrate.proto.StepResult;
import io.vfiomigrate.proto.Task;
import io.vfiomigrate.proto.TaskAccounting;
import io.vfiomigrate.proto.TraceHeader;
import io.vfiomigrate.proto.UserAccounting;
import java.util.TreeSet;

/** The host's counters as the report schema carries them. */
public final class Snapshots {
  private Snapshots() {}

  public static AccountingSnapshot toProto(io.vfiomigrate.host.AccountingSnapshot snapshot) {
    AccountingSnapshot.Builder builder =
        AccountingSnapshot.newBuilder()
            .setPinnedPages(snapshot.pinnedPages())
            .setPinRefs(snapshot.pinRefs());
    for (io.vfiomigrate.host.TaskAccounting task : snapshot.tasks()) {
      builder.addTasks(
          TaskAccounting.newBuilder()
              .setPid(task.pid())
              .setLockedVmPages(task.lockedVmPages())
              .setPinnedVmPages(task.pinnedVmPages()));
    }
    for (io.vfiomigrate.host.UserAccounting user : snapshot.users()) {
      builder.addUsers(
          UserAccounting.newBuilder().setUid(user.uid()).setLockedVmPages(user.lockedVmPages()));
    }
    return builder.build();
  }

  /** Every task and uid of the header with zero counters: the state before the first event. */
  public static AccountingSnapshot zero(TraceHeader header) {
    AccountingSnapshot.Builder zero = AccountingSnapshot.newBuilder();
    TreeSet<Integer> pids = new TreeSet<>();
    TreeSet<Integer> uids = new TreeSet<>();
    for (Task task : header.getTasksList()) {
      pids.add(task.getPid());
      uids.add(task.getUid());
    }
    pids.forEach(pid -> zero.addTasks(TaskAccounting.newBuilder().setPid(pid)));
    uids.forEach(uid -> zero.addUsers(UserAccounting.newBuilder().setUid(uid)));
    return zero.build();
  }

  /** One step: event {@code index}, its op name, errno, unmapped size and the counters after it. */
  public static StepResult step(
      long index, String op, String errno, long unmapped, AccountingSnapshot accounting) {
    return StepResult.newBuilder()
        .setIndex((int) index)
        .setOp(op)
        .setErrno(errno)
        .setUnmapped(unmapped)
        .setAccounting(accounting)
        .build();
  }
}
