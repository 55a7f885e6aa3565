package io.vfiomigrate.cli.diff;

import io.vfiomigrate.api.KernelBug;
import io.vfiomigrate.cli.Arguments;
import io.vfiomigrate.cli.CliIo;
import io.vfiomigrate.cli.ExitCodes;
import io.vfiomigrate.cli.Progress;
import io.vfiomigrate.cli.Subcommand;
import io.vfiomigrate.cli.Terminal;
import io.vfiomigrate.cli.UsageException;
import io.vfiomigrate.cli.convert.Accounting;
import io.vfiomigrate.cli.replay.Backends;
import io.vfiomigrate.cli.replay.EventReplay;
import io.vfiomigrate.cli.replay.HostConfigs;
import io.vfiomigrate.cli.replay.ReplayPipeline;
import io.vfiomigrate.cli.report.CounterSeries;
import io.vfiomigrate.cli.report.DiffSummary;
import io.vfiomigrate.cli.report.DiffText;
import io.vfiomigrate.cli.report.DivergenceJson;
import io.vfiomigrate.cli.report.HtmlReport;
import io.vfiomigrate.host.HostConfig;
import io.vfiomigrate.proto.StepResult;
import io.vfiomigrate.proto.TraceHeader;
import io.vfiomigrate.trace.AtomicOutputFile;
import io.vfiomigrate.trace.FileKind;
import io.vfiomigrate.trace.IndexedEvent;
import io.vfiomigrate.trace.TraceFormatException;
import io.vfiomigrate.trace.TraceHeaders;
import io.vfiomigrate.trace.TraceReader;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code vfio-migrate diff FILE [--against compat|iommufd] [--json] [--html OUT]}: replays a type1
 * trace on type1 and on the other side in lockstep, one event at a time, and explains every
 * divergence ({@link DiffEngine}). Exit 0 without divergences, 1 with any (explained or not); the
 * report's first line says whether any is unexplained. A kernel BUG on either side ends the diff
 * after that step.
 */
public final class DiffCommand implements Subcommand {
  /** Divergences kept for the table and the HTML report; --json prints them all. */
  static final int DEFAULT_SHOWN = 1000;

  private static final Option AGAINST =
      Option.builder()
          .longOpt("against")
          .hasArg()
          .argName("SIDE")
          .desc("compat or iommufd (the default)")
          .get();
  private static final Option ACCOUNTING =
      Option.builder()
          .longOpt("accounting")
          .hasArg()
          .argName("MODE")
          .desc("with iommufd: user (the default) or mm, as convert --accounting")
          .get();
  private static final Option JSON =
      Option.builder()
          .longOpt("json")
          .desc("print the DiffReport JSON with every divergence")
          .get();
  private static final Option HTML =
      Option.builder()
          .longOpt("html")
          .hasArg()
          .argName("OUT")
          .desc("also write an HTML report with a plot")
          .get();
  private static final Option SHOWN =
      Option.builder()
          .longOpt("max-shown")
          .hasArg()
          .argName("N")
          .desc(
              "divergences listed in the table and the HTML report (default " + DEFAULT_SHOWN + ")")
          .get();

  private final Backends backends;
  private final Terminal terminal;

  @Inject
  DiffCommand(Backends backends, Terminal terminal) {
    this.backends = backends;
    this.terminal = terminal;
  }

  @Override
  public String name() {
    return "diff";
  }

  @Override
  public String summary() {
    return "replay a trace on type1 and on compat or iommufd, and explain every divergence";
  }

  @Override
  public Options options() {
    return Progress.addOptions(
        new Options()
            .addOption(AGAINST)
            .addOption(ACCOUNTING)
            .addOption(JSON)
            .addOption(HTML)
            .addOption(SHOWN));
  }

  @Override
  public String arguments() {
    return "FILE";
  }

  @Override
  public int run(CommandLine line, CliIo io) {
    Path input = Arguments.oneFile(line, name());
    Progress progress = Progress.of(line, terminal, io, name());
    Comparison comparison = comparison(line);
    int shown = shown(line);
    Path html = line.hasOption(HTML) ? Path.of(line.getOptionValue(HTML)) : null;
    if (html != null) {
      AtomicOutputFile.checkTarget(html, List.of(input));
    }
    backends.require(Backends.TYPE1, "--against");
    backends.require(comparison.right(), "--against");
    if (FileKind.detect(input) != FileKind.TYPE1_TRACE) {
      throw TraceFormatException.malformed(
          input.toString(), null, null, "is an iommufd program; diff needs a type1 trace");
    }
    try (TraceReader trace = TraceReader.open(input);
        progress) {
      TraceHeader header = trace.header();
      long pageSize = TraceHeaders.pageSize(header);
      HostConfig config = HostConfigs.fromHeader(header, input.toString());
      String file = input.toString();
      EventReplay left =
          backends.replay(Backends.TYPE1, header, config, file, comparison.rightAccounting());
      EventReplay right =
          backends.replay(comparison.right(), header, config, file, comparison.rightAccounting());
      DiffSummary summary = new DiffSummary(shown, pageSize);
      DivergenceJson json =
          line.hasOption(JSON)
              ? new DivergenceJson(io.out(), comparison.left(), comparison.right())
              : null;
      CounterSeries series = html == null ? null : new CounterSeries();
      DiffEngine engine =
          new DiffEngine(
              header,
              comparison,
              DiffEngine.Fields.ALL,
              (finding, event) -> {
                summary.divergence(finding.step(), finding.rule(), finding::divergence, event);
                if (json != null) {
                  json.divergence(finding.divergence());
                }
              });
      Optional<KernelBug> leftBug;
      Optional<KernelBug> rightBug;
      try (ReplayPipeline steps = ReplayPipeline.start(trace, List.of(left, right))) {
        long events = 0;
        while (steps.hasNext() && steps.bug(0).isEmpty() && steps.bug(1).isEmpty()) {
          IndexedEvent event = steps.next();
          StepResult l = steps.step(0);
          StepResult r = steps.step(1);
          engine.accept(event, l, r);
          summary.step();
          if (series != null) {
            series.add(l.getAccounting(), r.getAccounting());
          }
          progress.update(++events);
        }
        leftBug = steps.bug(0);
        rightBug = steps.bug(1);
      }
      progress.close();
      if (json != null) {
        json.finish();
      } else {
        DiffText.print(summary, file, comparison.left(), comparison.right(), pageSize, io.out());
      }
      reportBug(io, file, comparison.left(), leftBug);
      reportBug(io, file, comparison.right(), rightBug);
      if (html != null) {
        AtomicOutputFile.write(
            html,
            HtmlReport.render(
                    file, comparison.left(), comparison.right(), summary, series, pageSize)
                .getBytes(StandardCharsets.UTF_8),
            List.of(input));
      }
      if (summary.unexplained() > 0 && json != null) {
        io.err().println("vfio-migrate: " + file + ": " + summary.headline());
      }
      return summary.total() == 0 ? ExitCodes.OK : ExitCodes.FINDINGS;
    }
  }

  private static Comparison comparison(CommandLine line) {
    String against = line.getOptionValue(AGAINST, Backends.IOMMUFD);
    if (against.equals(Backends.COMPAT)) {
      if (line.hasOption(ACCOUNTING)) {
        throw new UsageException(
            "diff: --accounting applies to --against iommufd only (compat is MM)");
      }
      return Comparison.againstCompat();
    }
    if (!against.equals(Backends.IOMMUFD)) {
      throw new UsageException(
          "diff: --against: expected compat or iommufd, got \"" + against + "\"");
    }
    return Comparison.againstIommufd(
        Accounting.parse(line.getOptionValue(ACCOUNTING, "user"), "--accounting"));
  }

  private static int shown(CommandLine line) {
    String value = line.getOptionValue(SHOWN, Integer.toString(DEFAULT_SHOWN));
    try {
      int shown = Integer.parseInt(value);
      if (shown >= 0) {
        return shown;
      }
    } catch (NumberFormatException e) {
      // Reported below.
    }
    throw new UsageException("diff: --max-shown: expected a count, got \"" + value + "\"");
  }

  private static void reportBug(CliIo io, String file, String side, Optional<KernelBug> bug) {
    bug.ifPresent(
        b ->
            io.err()
                .println(
                    "vfio-migrate: "
                        + file
                        + ": "
                        + side
                        + ": "
                        + b.getMessage()
                        + "; the diff stops there"));
  }
}
