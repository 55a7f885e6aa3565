package io.vfiomigrate.cli.replay;

import io.vfiomigrate.api.KernelBug;
import io.vfiomigrate.api.KernelException;
import io.vfiomigrate.cli.shadow.Outcomes;
import io.vfiomigrate.host.Host;
import io.vfiomigrate.proto.IommufdOp;
import io.vfiomigrate.proto.StepResult;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Runs the ops of one source event on a {@link ProgramSession} and makes the event's step: the ops
 * run in order until the first one fails, whose errno the step takes (a VMM does not go on with an
 * event after a failed ioctl); {@code unmapped} adds up what the event's unmaps reported.
 */
final class OpGroupRunner {
  private final Host host;
  private final ProgramSession session;
  private @Nullable KernelBug bug;

  OpGroupRunner(Host host, ProgramSession session) {
    this.host = host;
    this.session = session;
  }

  StepResult run(long index, String op, List<IommufdOp> ops) {
    String errno = Outcomes.OK;
    long unmapped = 0;
    for (IommufdOp each : ops) {
      try {
        unmapped += session.apply(each);
      } catch (KernelException e) {
        errno = e.errno().name();
        unmapped += e.partialResult().orElse(0);
        break;
      } catch (KernelBug e) {
        errno = Outcomes.BUG;
        bug = e;
        break;
      }
    }
    return Snapshots.step(index, op, errno, unmapped, Snapshots.toProto(host.snapshot()));
  }

  /** The kernel BUG that ended a step, if any. */
  @Nullable KernelBug bug() {
    return bug;
  }
}
