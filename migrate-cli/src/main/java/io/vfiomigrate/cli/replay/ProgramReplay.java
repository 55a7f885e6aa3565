package io.vfiomigrate.cli.replay;

import io.vfiomigrate.api.KernelBug;
import io.vfiomigrate.cli.convert.Accounting;
import io.vfiomigrate.cli.convert.TraceConverter;
import io.vfiomigrate.host.Host;
import io.vfiomigrate.host.HostConfig;
import io.vfiomigrate.proto.StepResult;
import io.vfiomigrate.proto.TraceHeader;
import io.vfiomigrate.trace.IndexedEvent;
import java.util.Optional;

/**
 * Replays a type1 trace on native iommufd: each event is converted as {@code convert} would
 * (streaming, nothing kept) and its ops run on a {@link ProgramSession}; one step per event, after
 * all of its ops (an event without ops, such as setIommu, gives a step with errno OK). An op no
 * replay can perform (an unknown pid, a container opened twice) makes the trace malformed at its
 * event.
 */
public final class ProgramReplay implements EventReplay {
  public static final String BACKEND = "iommufd";

  private final TraceConverter converter;
  private final OpGroupRunner runner;

  public ProgramReplay(
      ProgramReplayer replayer,
      TraceHeader header,
      HostConfig config,
      String file,
      Accounting accounting) {
    Host host = new Host(config);
    this.converter = new TraceConverter(header, accounting);
    this.runner = new OpGroupRunner(host, replayer.start(host), file);
  }

  @Override
  public String backend() {
    return BACKEND;
  }

  @Override
  public Optional<KernelBug> bug() {
    return Optional.ofNullable(runner.bug());
  }

  @Override
  public StepResult apply(IndexedEvent event) {
    if (runner.bug() != null) {
      throw new IllegalStateException("the replay stopped at a kernel BUG");
    }
    return runner.run(
        event.index(),
        OpNames.of(event.event()),
        converter.convert(event).ops(),
        i -> "event " + event.index());
  }
}
