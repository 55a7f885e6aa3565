package io.vfiomigrate.cli.replay;

import io.vfiomigrate.api.KernelBug;
import io.vfiomigrate.cli.Arguments;
import io.vfiomigrate.cli.CliIo;
import io.vfiomigrate.cli.ExitCodes;
import io.vfiomigrate.cli.Progress;
import io.vfiomigrate.cli.Subcommand;
import io.vfiomigrate.cli.Terminal;
import io.vfiomigrate.cli.UsageException;
import io.vfiomigrate.cli.convert.Accounting;
import io.vfiomigrate.cli.report.EventText;
import io.vfiomigrate.cli.report.ReplayText;
import io.vfiomigrate.cli.report.StepJson;
import io.vfiomigrate.host.HostConfig;
import io.vfiomigrate.proto.StepResult;
import io.vfiomigrate.proto.TraceHeader;
import io.vfiomigrate.trace.FileKind;
import io.vfiomigrate.trace.IndexedEvent;
import io.vfiomigrate.trace.ProgramReader;
import io.vfiomigrate.trace.TraceHeaders;
import io.vfiomigrate.trace.TraceReader;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code vfio-migrate replay --backend type1|compat|iommufd FILE [--json]}: one step per event with
 * its errno, unmapped size and every counter, streamed to stdout as a table or as the ReplayResult
 * JSON. A type1 trace replays on any backend (on iommufd it is converted on the fly); an iommufd
 * program only on iommufd. A kernel BUG ends the replay with a BUG step and a line on stderr; the
 * exit code stays 0, since the replay did model what the kernel does.
 */
public final class ReplayCommand implements Subcommand {
  private static final Option BACKEND =
      Option.builder()
          .longOpt("backend")
          .hasArg()
          .argName("NAME")
          .desc("type1, compat or iommufd")
          .get();
  private static final Option JSON =
      Option.builder().longOpt("json").desc("print the ReplayResult JSON instead of a table").get();
  private static final Option ACCOUNTING =
      Option.builder()
          .longOpt("accounting")
          .hasArg()
          .argName("MODE")
          .desc("iommufd only: user (the default) or mm, as convert --accounting")
          .get();

  private final Backends backends;
  private final Terminal terminal;

  @Inject
  ReplayCommand(Backends backends, Terminal terminal) {
    this.backends = backends;
    this.terminal = terminal;
  }

  @Override
  public String name() {
    return "replay";
  }

  @Override
  public String summary() {
    return "replay a trace on one backend and print every step's accounting";
  }

  @Override
  public Options options() {
    return Progress.addOptions(
        new Options().addOption(BACKEND).addOption(JSON).addOption(ACCOUNTING));
  }

  @Override
  public String arguments() {
    return "FILE";
  }

  @Override
  public int run(CommandLine line, CliIo io) {
    Path input = Arguments.oneFile(line, name());
    Progress progress = Progress.of(line, terminal, io, name());
    if (!line.hasOption(BACKEND)) {
      throw new UsageException(
          "replay: missing --backend type1|compat|iommufd (see 'vfio-migrate replay --help')");
    }
    String backend = line.getOptionValue(BACKEND);
    Accounting accounting =
        Accounting.parse(line.getOptionValue(ACCOUNTING, "user"), "--accounting");
    if (line.hasOption(ACCOUNTING) && !backend.equals(Backends.IOMMUFD)) {
      throw new UsageException("replay: --accounting applies to --backend iommufd only");
    }
    backends.require(backend, "--backend");
    FileKind kind = FileKind.detect(input);
    if (kind == FileKind.IOMMUFD_PROGRAM && !backend.equals(Backends.IOMMUFD)) {
      throw new UsageException(
          "replay: " + input + " is an iommufd program, which replays on --backend iommufd only");
    }
    Optional<KernelBug> bug;
    try (progress) {
      bug =
          kind == FileKind.TYPE1_TRACE
              ? replayTrace(input, backend, accounting, line.hasOption(JSON), io, progress)
              : replayProgram(input, line.hasOption(JSON), io, progress);
    }
    bug.ifPresent(
        b ->
            io.err()
                .println(
                    "vfio-migrate: " + input + ": " + b.getMessage() + "; the replay stops there"));
    return ExitCodes.OK;
  }

  private Optional<KernelBug> replayTrace(
      Path input,
      String backend,
      Accounting accounting,
      boolean json,
      CliIo io,
      Progress progress) {
    try (TraceReader trace = TraceReader.open(input)) {
      TraceHeader header = trace.header();
      HostConfig config = HostConfigs.fromHeader(header, input.toString());
      EventReplay replay = backends.replay(backend, header, config, input.toString(), accounting);
      long pageSize = TraceHeaders.pageSize(header);
      Output output = Output.of(json, io, header, replay.backend(), input);
      try (ReplayPipeline steps = ReplayPipeline.start(trace, List.of(replay))) {
        long events = 0;
        while (steps.hasNext() && steps.bug(0).isEmpty()) {
          IndexedEvent event = steps.next();
          output.step().accept(steps.step(0), EventText.describe(event.event(), pageSize));
          progress.update(++events);
        }
        output.finish().run();
        return steps.bug(0);
      }
    }
  }

  private Optional<KernelBug> replayProgram(Path input, boolean json, CliIo io, Progress progress) {
    try (ProgramReader program = ProgramReader.open(input)) {
      TraceHeader header = program.header();
      HostConfig config = HostConfigs.fromHeader(header, input.toString());
      Output output = Output.of(json, io, header, Backends.IOMMUFD, input);
      long[] steps = {0};
      Optional<KernelBug> bug =
          ProgramFileReplay.run(
              program,
              backends.programReplayer(),
              config,
              input.toString(),
              step -> {
                output.step().accept(step, step.getOp());
                progress.update(++steps[0]);
              });
      output.finish().run();
      return bug;
    }
  }

  /** Where the steps go: the JSON stream or the table. */
  private record Output(BiConsumer<StepResult, String> step, Runnable finish) {
    static Output of(boolean json, CliIo io, TraceHeader header, String backend, Path input) {
      if (json) {
        StepJson writer = new StepJson(io.out(), backend);
        return new Output((step, event) -> writer.step(step), writer::finish);
      }
      ReplayText table = new ReplayText(io.out(), header, "replay of " + input + " on " + backend);
      return new Output(table::step, table::finish);
    }
  }
}
