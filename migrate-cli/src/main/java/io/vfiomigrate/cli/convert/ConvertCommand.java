package io.vfiomigrate.cli.convert;

import io.vfiomigrate.cli.Arguments;
import io.vfiomigrate.cli.CliIo;
import io.vfiomigrate.cli.ExitCodes;
import io.vfiomigrate.cli.Progress;
import io.vfiomigrate.cli.Subcommand;
import io.vfiomigrate.cli.Terminal;
import io.vfiomigrate.cli.UsageException;
import io.vfiomigrate.proto.ConversionWarning;
import io.vfiomigrate.proto.IommufdOp;
import io.vfiomigrate.trace.FileKind;
import io.vfiomigrate.trace.ProgramWriter;
import io.vfiomigrate.trace.TraceFormatException;
import io.vfiomigrate.trace.TraceReader;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code vfio-migrate convert FILE -o OUT [--accounting user|mm]}: streams a type1 trace into an
 * iommufd program ({@link TraceConverter}), JSON or binary by OUT's extension. The program appears
 * at OUT only when complete. Conversion warnings go into the program and, the first {@link
 * #WARNINGS_SHOWN} of them, to stderr, followed by a count per code.
 */
public final class ConvertCommand implements Subcommand {
  static final int WARNINGS_SHOWN = 20;

  private static final Option OUTPUT =
      Option.builder("o")
          .longOpt("output")
          .hasArg()
          .argName("OUT")
          .desc("the program to write (.json or .pb)")
          .get();
  private static final Option ACCOUNTING =
      Option.builder()
          .longOpt("accounting")
          .hasArg()
          .argName("MODE")
          .desc("user (native /dev/iommu, the default) or mm (IOMMU_OPTION_RLIMIT_MODE=1)")
          .get();

  private final Terminal terminal;

  @Inject
  ConvertCommand(Terminal terminal) {
    this.terminal = terminal;
  }

  @Override
  public String name() {
    return "convert";
  }

  @Override
  public String summary() {
    return "convert a type1 trace to an iommufd program";
  }

  @Override
  public Options options() {
    return Progress.addOptions(new Options().addOption(OUTPUT).addOption(ACCOUNTING));
  }

  @Override
  public String arguments() {
    return "FILE";
  }

  @Override
  public int run(CommandLine line, CliIo io) {
    Path input = Arguments.oneFile(line, name());
    Progress progress = Progress.of(line, terminal, io, name());
    if (!line.hasOption(OUTPUT)) {
      throw new UsageException("convert: missing -o OUT (see 'vfio-migrate convert --help')");
    }
    Path output = Path.of(line.getOptionValue(OUTPUT));
    Accounting accounting =
        Accounting.parse(line.getOptionValue(ACCOUNTING, "user"), "--accounting");
    if (FileKind.detect(input) != FileKind.TYPE1_TRACE) {
      throw TraceFormatException.malformed(
          input.toString(), null, null, "is an iommufd program; convert needs a type1 trace");
    }
    Map<String, Long> counts = new TreeMap<>();
    long events = 0;
    long ops;
    try (TraceReader trace = TraceReader.open(input);
        ProgramWriter program = ProgramWriter.create(output, List.of(input));
        progress) {
      TraceConverter converter = new TraceConverter(trace.header(), accounting);
      program.writeHeader(trace.header());
      while (trace.hasNext()) {
        Conversion conversion = converter.convert(trace.next());
        for (IommufdOp op : conversion.ops()) {
          program.write(op);
        }
        for (ConversionWarning warning : conversion.warnings()) {
          program.write(warning);
          counts.merge(warning.getCode(), 1L, Long::sum);
          if (program.warningsWritten() <= WARNINGS_SHOWN) {
            io.err()
                .println(
                    "vfio-migrate: "
                        + input
                        + ": event "
                        + Integer.toUnsignedString(warning.getSourceEvent())
                        + ": warning "
                        + warning.getCode()
                        + ": "
                        + warning.getMessage());
          }
        }
        progress.update(++events);
      }
      ops = program.opsWritten();
      program.commit();
    }
    io.err()
        .println(
            "vfio-migrate: convert: " + events + " events -> " + ops + " ops" + warnings(counts));
    return ExitCodes.OK;
  }

  private static long total(Map<String, Long> counts) {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }

  private static String warnings(Map<String, Long> counts) {
    long total = total(counts);
    if (total == 0) {
      return ", no warnings";
    }
    StringBuilder text =
        new StringBuilder(", " + total + (total == 1 ? " warning (" : " warnings ("));
    counts.forEach((code, count) -> text.append(code).append(' ').append(count).append(", "));
    text.setLength(text.length() - 2);
    return text.append(")").toString();
  }
}
