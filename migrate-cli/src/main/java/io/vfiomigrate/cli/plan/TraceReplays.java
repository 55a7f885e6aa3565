package io.vfiomigrate.cli.plan;

import io.vfiomigrate.api.KernelBug;
import io.vfiomigrate.cli.Progress;
import io.vfiomigrate.cli.replay.Backends;
import io.vfiomigrate.cli.replay.EventReplay;
import io.vfiomigrate.cli.replay.HostConfigs;
import io.vfiomigrate.cli.replay.ReplayPipeline;
import io.vfiomigrate.host.HostConfig;
import io.vfiomigrate.proto.StepResult;
import io.vfiomigrate.proto.TraceHeader;
import io.vfiomigrate.trace.IndexedEvent;
import io.vfiomigrate.trace.TraceReader;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Measures a trace: replays it on every model in lockstep, one read of the file, with every task's
 * RLIMIT_MEMLOCK unlimited so that no charge fails for the limit itself, and keeps each model's
 * counter peaks and the domains libvirt would see. CAP_IPC_LOCK stays as recorded: it decides
 * whether pages are charged at all on iommufd (accounting NONE) and whether type1 checks them.
 *
 * <p>A trace that recorded an ENOMEM for the limit replays past it: the plan asks which limit would
 * have let it succeed. Other failures stay failures.
 */
final class TraceReplays {
  /** What the replays found. */
  record Measured(List<ModelNeeds> needs, Map<Integer, DomainMemlockInputs> domains) {}

  private TraceReplays() {}

  static Measured measure(
      Path input,
      List<PlanModel> models,
      Backends backends,
      LibvirtOptions libvirt,
      Progress progress,
      PrintStream err) {
    try (TraceReader trace = TraceReader.open(input)) {
      TraceHeader header = unlimited(trace.header());
      HostConfig config = HostConfigs.fromHeader(header, input.toString());
      List<EventReplay> replays = new ArrayList<>();
      List<CounterPeaks> peaks = new ArrayList<>();
      for (PlanModel model : models) {
        replays.add(
            backends.replay(model.backend(), header, config, input.toString(), model.accounting()));
        peaks.add(new CounterPeaks(header));
      }
      TraceDomains domains = new TraceDomains(header);
      try (ReplayPipeline steps = ReplayPipeline.start(trace, replays)) {
        long events = 0;
        while (steps.hasNext()) {
          IndexedEvent event = steps.next();
          domains.accept(event.event());
          for (int i = 0; i < replays.size(); i++) {
            if (steps.bug(i).isEmpty()) {
              StepResult step = steps.step(i);
              peaks.get(i).accept(event.index(), event.event().getPid(), step.getAccounting());
              PlanModel model = models.get(i);
              steps.bug(i).ifPresent(bug -> reportBug(err, input, model, event, bug));
            }
          }
          progress.update(++events);
        }
      }
      List<ModelNeeds> needs = new ArrayList<>();
      for (int i = 0; i < models.size(); i++) {
        needs.add(peaks.get(i).needs(models.get(i)));
      }
      return new Measured(needs, domains.domains(libvirt));
    }
  }

  private static TraceHeader unlimited(TraceHeader header) {
    TraceHeader.Builder builder = header.toBuilder();
    for (int i = 0; i < builder.getTasksCount(); i++) {
      builder.setTasks(i, builder.getTasks(i).toBuilder().setMemlockUnlimited(true));
    }
    return builder.build();
  }

  /** A kernel BUG ends that model's replay: its peaks are those of the steps before. */
  private static void reportBug(
      PrintStream err, Path input, PlanModel model, IndexedEvent event, KernelBug bug) {
    err.println(
        "vfio-migrate: "
            + input
            + ": "
            + model.id()
            + ": "
            + bug.getMessage()
            + "; its figures stop at step "
            + event.index());
  }
}
