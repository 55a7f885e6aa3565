package io.vfiomigrate.cli;

import com.google.common.collect.ImmutableList;
import io.vfiomigrate.proto.IommufdOp;
import io.vfiomigrate.proto.Type1Event;
import io.vfiomigrate.trace.FileKind;
import io.vfiomigrate.trace.IndexedEvent;
import io.vfiomigrate.trace.IndexedOp;
import io.vfiomigrate.trace.ProgramEntry;
import io.vfiomigrate.trace.ProgramReader;
import io.vfiomigrate.trace.TraceReader;
import jakarta.inject.Inject;
import java.nio.file.Path;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/**
 * {@code vfio-migrate validate FILE}: reads a type1 trace (or an iommufd program) streaming, which
 * checks it against the schema, prints a summary, and for traces runs {@link TraceLint}. Exit code
 * 1 when there are findings.
 */
final class ValidateCommand implements Subcommand {
  /** Findings printed in full; the rest are only counted. */
  static final int MAX_FINDINGS_SHOWN = 1000;

  @Inject
  ValidateCommand() {}

  @Override
  public String name() {
    return "validate";
  }

  @Override
  public String summary() {
    return "check a trace (or program) against the schema and for semantic mistakes";
  }

  @Override
  public Options options() {
    return new Options();
  }

  @Override
  public String arguments() {
    return "FILE";
  }

  @Override
  public int run(CommandLine commandLine, CliIo io) {
    Path path = Arguments.oneFile(commandLine, name());
    ValidationSummary summary =
        switch (FileKind.detect(path)) {
          case TYPE1_TRACE -> validateTrace(path);
          case IOMMUFD_PROGRAM -> validateProgram(path);
        };
    SummaryPrinter.print(summary, io.out());
    return summary.findingCount() == 0 ? ExitCodes.OK : ExitCodes.FINDINGS;
  }

  private static ValidationSummary validateTrace(Path path) {
    FindingList findings = new FindingList(MAX_FINDINGS_SHOWN);
    OpCounts counts = new OpCounts(Type1Event.getDescriptor().getOneofs().get(0));
    long events = 0;
    try (TraceReader trace = TraceReader.open(path)) {
      TraceLint lint = new TraceLint(trace.header(), findings);
      while (trace.hasNext()) {
        IndexedEvent event = trace.next();
        counts.add(event.event());
        lint.accept(event);
        events++;
      }
      return new ValidationSummary(
          FileKind.TYPE1_TRACE,
          trace.format(),
          trace.header(),
          events,
          counts.nonZero(),
          0,
          findings.count(),
          findings.kept());
    }
  }

  private static ValidationSummary validateProgram(Path path) {
    OpCounts counts = new OpCounts(IommufdOp.getDescriptor().getOneofs().get(0));
    long ops = 0;
    long warnings = 0;
    try (ProgramReader program = ProgramReader.open(path)) {
      while (program.hasNext()) {
        ProgramEntry entry = program.next();
        if (entry instanceof IndexedOp op) {
          counts.add(op.op());
          ops++;
        } else {
          warnings++;
        }
      }
      return new ValidationSummary(
          FileKind.IOMMUFD_PROGRAM,
          program.format(),
          program.header(),
          ops,
          counts.nonZero(),
          warnings,
          0,
          ImmutableList.of());
    }
  }
}
