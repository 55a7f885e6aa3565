package io.vfiomigrate.cli.plan;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.vfiomigrate.cli.CliRun;
import io.vfiomigrate.cli.ExitCodes;
import io.vfiomigrate.proto.ReplayResult;
import io.vfiomigrate.proto.StepResult;
import io.vfiomigrate.proto.Task;
import io.vfiomigrate.proto.TaskAccounting;
import io.vfiomigrate.proto.TraceHeader;
import io.vfiomigrate.proto.Type1Trace;
import io.vfiomigrate.proto.UserAccounting;
import io.vfiomigrate.trace.MessageFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Checks a plan's minimum against the {@code replay} command, which shares none of the plan's
 * measuring code: with every task's RLIMIT_MEMLOCK set to the minimum, nothing fails ENOMEM and the
 * checked counter peaks at exactly the minimum, first at the plan's step; one page less and some
 * step fails ENOMEM.
 */
final class MinimumCheck {
  private static final long PAGE = 4096;

  private MinimumCheck() {}

  static void assertSmallestWorkingLimit(
      Path trace, PlanModel model, PlanJsonResult.Model planned, Path scratch) {
    Type1Trace recorded = MessageFiles.read(trace, Type1Trace.getDefaultInstance());
    long minimum = planned.minMemlockBytes();

    List<StepResult> steps = replay(withLimit(recorded, minimum), model, scratch);

    assertThat(steps).noneMatch(step -> step.getErrno().equals("ENOMEM"));
    Set<Integer> unchecked = new HashSet<>();
    recorded.getHeader().getTasksList().stream()
        .filter(Task::getCapIpcLock)
        .forEach(task -> unchecked.add(task.getPid()));
    long peak = 0;
    OptionalLong firstAtPeak = OptionalLong.empty();
    for (StepResult step : steps) {
      long counter = checkedCounter(step, model, unchecked) * PAGE;
      if (counter > peak) {
        peak = counter;
        firstAtPeak = OptionalLong.of(step.getIndex());
      }
    }
    assertThat(peak).as("%s peak", model.id()).isEqualTo(minimum);
    assertThat(firstAtPeak)
        .as("%s step of the peak", model.id())
        .isEqualTo(planned.highWaterStep());
    if (minimum > 0) {
      assertThat(replay(withLimit(recorded, minimum - PAGE), model, scratch))
          .as("%s one page below the minimum", model.id())
          .anyMatch(step -> step.getErrno().equals("ENOMEM"));
    }
  }

  private static long checkedCounter(StepResult step, PlanModel model, Set<Integer> unchecked) {
    long highest = 0;
    if (model.counter() == PlanModel.CheckedCounter.USER) {
      for (UserAccounting user : step.getAccounting().getUsersList()) {
        highest = Math.max(highest, user.getLockedVmPages());
      }
      return highest;
    }
    for (TaskAccounting task : step.getAccounting().getTasksList()) {
      if (!unchecked.contains(task.getPid())) {
        highest = Math.max(highest, task.getLockedVmPages());
      }
    }
    return highest;
  }

  private static Type1Trace withLimit(Type1Trace trace, long bytes) {
    TraceHeader.Builder header = trace.getHeader().toBuilder();
    for (int i = 0; i < header.getTasksCount(); i++) {
      header.setTasks(
          i, header.getTasks(i).toBuilder().setMemlockLimit(bytes).setMemlockUnlimited(false));
    }
    return trace.toBuilder().setHeader(header).build();
  }

  private static List<StepResult> replay(Type1Trace trace, PlanModel model, Path scratch) {
    Path file = scratch.resolve("limited-" + System.nanoTime() + ".pb");
    MessageFiles.write(file, trace, List.of());
    List<String> args = new ArrayList<>(List.of("replay", "--json", "--backend", model.backend()));
    if (model.backend().equals("iommufd")) {
      args.addAll(List.of("--accounting", model.accounting().name().toLowerCase(Locale.ROOT)));
    }
    args.add(file.toString());
    CliRun run = CliRun.of(args.toArray(String[]::new));
    assertThat(run.code()).as(run.err()).isEqualTo(ExitCodes.OK);
    ReplayResult.Builder result = ReplayResult.newBuilder();
    try {
      JsonFormat.parser().merge(run.out(), result);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(run.out(), e);
    }
    return result.getStepsList();
  }
}
