package io.vfiomigrate.cli.examples;

import io.vfiomigrate.cli.replay.OpNames;
import io.vfiomigrate.proto.AccountingSnapshot;
import io.vfiomigrate.proto.StepResult;
import io.vfiomigrate.proto.TaskAccounting;
import io.vfiomigrate.proto.Type1Event;
import io.vfiomigrate.proto.Type1Trace;
import io.vfiomigrate.proto.UserAccounting;
import java.util.ArrayList;
import java.util.List;

/**
 * Steps written compactly, one row per event: {@code "ERRNO UNMAPPED | VmLck/VmPin of each task |
 * locked_vm of each uid | pinnedPages/pinRefs"}, e.g. {@code "OK 0 | 256/0 | 0 | 256/256"}; tasks
 * and uids in the header's sorted order.
 */
final class ExpectedSteps {
  private ExpectedSteps() {}

  /** The row of {@code step}, which {@link #of} reads back. */
  static String row(StepResult step) {
    StringBuilder row =
        new StringBuilder(step.getErrno())
            .append(' ')
            .append(Long.toUnsignedString(step.getUnmapped()))
            .append(" |");
    AccountingSnapshot accounting = step.getAccounting();
    accounting
        .getTasksList()
        .forEach(
            t ->
                row.append(' ')
                    .append(t.getLockedVmPages())
                    .append('/')
                    .append(t.getPinnedVmPages()));
    row.append(" |");
    accounting.getUsersList().forEach(u -> row.append(' ').append(u.getLockedVmPages()));
    return row.append(" | ")
        .append(accounting.getPinnedPages())
        .append('/')
        .append(accounting.getPinRefs())
        .toString();
  }

  static List<StepResult> of(Type1Trace trace, String... rows) {
    if (rows.length != trace.getEventsCount()) {
      throw new IllegalArgumentException(
          rows.length + " rows for " + trace.getEventsCount() + " events");
    }
    AccountingSnapshot zero = io.vfiomigrate.cli.replay.Snapshots.zero(trace.getHeader());
    List<StepResult> steps = new ArrayList<>();
    for (int i = 0; i < rows.length; i++) {
      String[] parts = rows[i].split("\\|");
      String[] result = parts[0].trim().split(" +");
      String[] tasks = parts[1].trim().split(" +");
      String[] users = parts[2].trim().split(" +");
      String[] pages = parts[3].trim().split("/");
      AccountingSnapshot.Builder accounting = AccountingSnapshot.newBuilder();
      for (int t = 0; t < zero.getTasksCount(); t++) {
        String[] counters = tasks[t].split("/");
        accounting.addTasks(
            TaskAccounting.newBuilder()
                .setPid(zero.getTasks(t).getPid())
                .setLockedVmPages(Long.parseLong(counters[0]))
                .setPinnedVmPages(Long.parseLong(counters[1])));
      }
      for (int u = 0; u < zero.getUsersCount(); u++) {
        accounting.addUsers(
            UserAccounting.newBuilder()
                .setUid(zero.getUsers(u).getUid())
                .setLockedVmPages(Long.parseLong(users[u])));
      }
      accounting
          .setPinnedPages(Long.parseLong(pages[0].trim()))
          .setPinRefs(Long.parseLong(pages[1].trim()));
      Type1Event event = trace.getEvents(i);
      steps.add(
          StepResult.newBuilder()
              .setIndex(i)
              .setOp(OpNames.of(event))
              .setErrno(result[0])
              .setUnmapped(Long.parseUnsignedLong(result[1]))
              .setAccounting(accounting)
              .build());
    }
    return steps;
  }
}
