package io.vfiomigrate.cli.plan;

import io.vfiomigrate.proto.AccountingSnapshot;
import io.vfiomigrate.proto.Task;
import io.vfiomigrate.proto.TaskAccounting;
import io.vfiomigrate.proto.TraceHeader;
import io.vfiomigrate.proto.UserAccounting;
import io.vfiomigrate.trace.TraceHeaders;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;

/**
 * The high-water marks of one model's replay: every task's {@code mm->locked_vm} and every uid's
 * {@code user_struct->locked_vm}, each with the first step that reached it, fed the snapshot after
 * every step.
 *
 * <p>Snapshots come after whole events. Within an event a counter can rise above its value at the
 * end only in an event that fails (type1 charges run by run and unwinds on a later error); such an
 * event fails whatever the limit, and with a smaller limit it only fails earlier (ENOMEM) leaving
 * the same state. So the peak of the snapshots is the smallest limit with which every event ends as
 * in the replay.
 */
final class CounterPeaks {
  private final long pageSize;
  private final Map<Integer, Integer> uids = new HashMap<>();
  private final Set<Integer> capIpcLock = new HashSet<>();
  private final Map<Integer, Peak> tasks = new TreeMap<>();
  private final Map<Integer, Peak> users = new TreeMap<>();

  /** A counter's peak in pages, the step that first reached it and the task of that step. */
  private record Peak(long pages, long step, int pid, List<Integer> holders) {}

  CounterPeaks(TraceHeader header) {
    this.pageSize = TraceHeaders.pageSize(header);
    for (Task task : header.getTasksList()) {
      uids.put(task.getPid(), task.getUid());
      if (task.getCapIpcLock()) {
        capIpcLock.add(task.getPid());
      }
    }
  }

  /** The counters after {@code step}, an event of task {@code pid}. */
  void accept(long step, int pid, AccountingSnapshot snapshot) {
    for (TaskAccounting task : snapshot.getTasksList()) {
      Peak peak = tasks.get(task.getPid());
      if (task.getLockedVmPages() > (peak == null ? 0 : peak.pages())) {
        tasks.put(task.getPid(), new Peak(task.getLockedVmPages(), step, pid, List.of()));
      }
    }
    for (UserAccounting user : snapshot.getUsersList()) {
      Peak peak = users.get(user.getUid());
      if (user.getLockedVmPages() > (peak == null ? 0 : peak.pages())) {
        users.put(
            user.getUid(),
            new Peak(user.getLockedVmPages(), step, pid, holders(user.getUid(), snapshot)));
      }
    }
  }

  /** What {@code model} needs, by the counter it checks. */
  ModelNeeds needs(PlanModel model) {
    List<Need> needs = new ArrayList<>();
    Optional<Need> unchecked = Optional.empty();
    if (model.counter() == PlanModel.CheckedCounter.USER) {
      users.forEach(
          (uid, peak) ->
              needs.add(
                  Need.user(
                      uid, peak.holders(), peak.pid(), bytes(peak), OptionalLong.of(peak.step()))));
      return new ModelNeeds(model, needs, unchecked);
    }
    for (Map.Entry<Integer, Peak> entry : tasks.entrySet()) {
      Need need = Need.task(entry.getKey(), bytes(entry.getValue()), step(entry.getValue()));
      if (!capIpcLock.contains(entry.getKey())) {
        needs.add(need);
      } else if (unchecked.isEmpty() || need.bytes() > unchecked.get().bytes()) {
        unchecked = Optional.of(need);
      }
    }
    return new ModelNeeds(model, needs, unchecked);
  }

  /** The tasks of {@code uid} that hold pinned pages (VmPin moves in every accounting mode). */
  private List<Integer> holders(int uid, AccountingSnapshot snapshot) {
    List<Integer> pids = new ArrayList<>();
    for (TaskAccounting task : snapshot.getTasksList()) {
      if (task.getPinnedVmPages() > 0 && uids.get(task.getPid()) == uid) {
        pids.add(task.getPid());
      }
    }
    return pids;
  }

  private long bytes(Peak peak) {
    return Math.multiplyExact(peak.pages(), pageSize);
  }

  private static OptionalLong step(Peak peak) {
    return OptionalLong.of(peak.step());
  }
}
