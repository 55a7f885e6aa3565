package io.vfiomigrate.cli.replay;

import io.vfiomigrate.api.KernelBug;
import io.vfiomigrate.api.KernelException;
import io.vfiomigrate.cli.shadow.Outcomes;
import io.vfiomigrate.host.Host;
import io.vfiomigrate.proto.IommufdOp;
import io.vfiomigrate.proto.StepResult;
import io.vfiomigrate.trace.TraceFormatException;
import java.util.List;
import java.util.function.IntFunction;
import org.jspecify.annotations.Nullable;

/**
 * Runs the ops of one source event on a {@link ProgramSession} and makes the event's step: the ops
 * run in order until the first one fails, whose errno the step takes (a VMM does not go on with an
 * event after a failed ioctl); {@code unmapped} adds up what the event's unmaps reported. An op no
 * replay can perform ({@link MalformedOpException}) makes the input malformed.
 */
final class OpGroupRunner {
  private final Host host;
  private final ProgramSession session;
  private final String file;
  private @Nullable KernelBug bug;

  OpGroupRunner(Host host, ProgramSession session, String file) {
    this.host = host;
    this.session = session;
    this.file = file;
  }

  /**
   * @param where where the i-th op is in the input, for errors: {@code event N} or {@code op N}
   * @throws TraceFormatException MALFORMED_INPUT for an op no replay can perform
   */
  StepResult run(long index, String op, List<IommufdOp> ops, IntFunction<String> where) {
    String errno = Outcomes.OK;
    long unmapped = 0;
    for (int i = 0; i < ops.size(); i++) {
      try {
        unmapped += session.apply(ops.get(i));
      } catch (KernelException e) {
        errno = e.errno().name();
        unmapped += e.partialResult().orElse(0);
        break;
      } catch (KernelBug e) {
        errno = Outcomes.BUG;
        bug = e;
        break;
      } catch (MalformedOpException e) {
        throw TraceFormatException.malformed(file, where.apply(i), e.field(), e.getMessage());
      }
    }
    return Snapshots.step(index, op, errno, unmapped, Snapshots.toProto(host.snapshot()));
  }

  /** The kernel BUG that ended a step, if any. */
  @Nullable KernelBug bug() {
    return bug;
  }
}
