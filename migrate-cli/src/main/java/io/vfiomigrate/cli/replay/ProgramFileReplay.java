package io.vfiomigrate.cli.replay;

import io.vfiomigrate.api.KernelBug;
import io.vfiomigrate.host.Host;
import io.vfiomigrate.host.HostConfig;
import io.vfiomigrate.proto.IommufdOp;
import io.vfiomigrate.proto.StepResult;
import io.vfiomigrate.trace.IndexedOp;
import io.vfiomigrate.trace.ProgramEntry;
import io.vfiomigrate.trace.ProgramReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Replays an iommufd program file: consecutive ops with the same {@code sourceEvent} form one step,
 * whose op is their names joined with {@code +} (the type1 event is not in the file). Source events
 * without ops have no step. Stops after a step with errno BUG. An op no replay can perform makes
 * the file malformed at that op.
 */
public final class ProgramFileReplay {
  private ProgramFileReplay() {}

  /**
   * Streams the steps of {@code program} to {@code sink}; returns the BUG that ended it, if any.
   */
  public static Optional<KernelBug> run(
      ProgramReader program,
      ProgramReplayer replayer,
      HostConfig config,
      String file,
      Consumer<StepResult> sink) {
    Host host = new Host(config);
    OpGroupRunner runner = new OpGroupRunner(host, replayer.start(host), file);
    List<IndexedOp> group = new ArrayList<>();
    while (program.hasNext() && runner.bug() == null) {
      ProgramEntry entry = program.next();
      if (!(entry instanceof IndexedOp indexed)) {
        continue;
      }
      if (!group.isEmpty() && group.get(0).op().getSourceEvent() != indexed.op().getSourceEvent()) {
        sink.accept(runGroup(runner, group));
        group.clear();
      }
      group.add(indexed);
    }
    if (!group.isEmpty() && runner.bug() == null) {
      sink.accept(runGroup(runner, group));
    }
    return Optional.ofNullable(runner.bug());
  }

  private static StepResult runGroup(OpGroupRunner runner, List<IndexedOp> group) {
    List<IommufdOp> ops = new ArrayList<>(group.size());
    List<String> names = new ArrayList<>(group.size());
    for (IndexedOp indexed : group) {
      ops.add(indexed.op());
      names.add(OpNames.of(indexed.op()));
    }
    return runner.run(
        Integer.toUnsignedLong(group.get(0).op().getSourceEvent()),
        String.join("+", names),
        ops,
        i -> "op " + group.get(i).index());
  }
}
