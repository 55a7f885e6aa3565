package io.vfiomigrate.cli.importer;

import io.vfiomigrate.cli.CliIo;
import io.vfiomigrate.cli.ExitCodes;
import io.vfiomigrate.cli.Subcommand;
import io.vfiomigrate.cli.UsageException;
import io.vfiomigrate.cli.plan.ByteSize;
import io.vfiomigrate.proto.Backing;
import io.vfiomigrate.proto.Type1Event;
import io.vfiomigrate.trace.MessageSpill;
import io.vfiomigrate.trace.TraceFormatException;
import io.vfiomigrate.trace.TraceWriter;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code vfio-migrate import qemu-log FILE -o OUT}: turns a QEMU log into a type1 trace (see {@code
 * docs/import.md}). The summary goes to stderr; stdout stays empty, as the product is the file.
 * Exit 65 when no line of the log was recognised.
 */
public final class ImportCommand implements Subcommand {
  static final String NAME = "import";
  static final String QEMU_LOG = "qemu-log";
  private static final List<Backing> BACKINGS =
      List.of(Backing.ANON, Backing.THP, Backing.HUGETLB_2M, Backing.HUGETLB_1G);

  private static final Option OUTPUT =
      Option.builder("o")
          .longOpt("output")
          .hasArg()
          .argName("OUT")
          .required()
          .desc("the trace to write (.json or .pb)")
          .get();
  private static final Option BACKING =
      Option.builder()
          .longOpt("backing")
          .hasArg()
          .argName("KIND")
          .desc("guest RAM backing: ANON, THP (default), HUGETLB_2M or HUGETLB_1G")
          .get();
  private static final Option MEMLOCK =
      Option.builder()
          .longOpt("memlock")
          .hasArg()
          .argName("BYTES")
          .desc("RLIMIT_MEMLOCK of QEMU, e.g. 9GiB (default: the log's, else unlimited)")
          .get();
  private static final Option UID =
      Option.builder().longOpt("uid").hasArg().argName("N").desc("uid of QEMU (default 0)").get();
  private static final Option PID =
      Option.builder()
          .longOpt("pid")
          .hasArg()
          .argName("N")
          .desc("pid of QEMU (default: from the log's prefixes, else 4242)")
          .get();
  private static final Option VERBOSE =
      Option.builder("v").longOpt("verbose").desc("list the first skipped lines").get();

  @Inject
  ImportCommand() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String summary() {
    return "turn a QEMU log (VFIO and iommufd trace events, errors) into a type1 trace";
  }

  @Override
  public Options options() {
    return new Options()
        .addOption(OUTPUT)
        .addOption(BACKING)
        .addOption(MEMLOCK)
        .addOption(UID)
        .addOption(PID)
        .addOption(VERBOSE);
  }

  @Override
  public String arguments() {
    return QEMU_LOG + " FILE";
  }

  @Override
  public int run(CommandLine commandLine, CliIo io) throws IOException {
    List<String> args = commandLine.getArgList();
    if (args.size() != 2 || !args.get(0).equals(QEMU_LOG)) {
      throw usage("expected '" + QEMU_LOG + " FILE', got " + String.join(" ", args));
    }
    ImportOptions options = options(commandLine);
    Path input = Path.of(args.get(1));
    Path output = Path.of(commandLine.getOptionValue(OUTPUT));
    try (QemuLogImporter.OpenLog log = QemuLogImporter.open(input);
        TraceWriter writer = TraceWriter.create(output, List.of(input));
        MessageSpill<Type1Event> spill =
            MessageSpill.create(output.toAbsolutePath().getParent(), Type1Event.parser())) {
      // The header is known only at the end of the log, so events wait on disk; reading the
      // log twice would not work for a pipe such as <(journalctl ...).
      QemuLogImporter.Result result =
          new QemuLogImporter().run(log, options, event -> append(spill, event));
      if (result.summary().recognisedLines() == 0) {
        throw TraceFormatException.malformed(
            input.toString(),
            null,
            null,
            "no QEMU VFIO or iommufd line recognised in "
                + result.summary().lines()
                + " lines (see docs/import.md for the formats read)");
      }
      writer.writeHeader(result.header());
      spill.replay(writer::write);
      writer.commit();
      result
          .summary()
          .print(
              input.toString(),
              result.assembled().notes(),
              commandLine.hasOption(VERBOSE),
              io.err());
      io.err()
          .println(
              "wrote "
                  + output
                  + ": "
                  + count(writer.eventsWritten(), "event")
                  + ", "
                  + count(result.header().getTasksCount(), "task")
                  + ", "
                  + count(result.header().getMemoryCount(), "memory region"));
    }
    return ExitCodes.OK;
  }

  private static ImportOptions options(CommandLine commandLine) {
    return new ImportOptions(
        Optional.ofNullable(commandLine.getOptionValue(BACKING)).map(ImportCommand::backing),
        commandLine.hasOption(MEMLOCK)
            ? OptionalLong.of(ByteSize.parse("--memlock", commandLine.getOptionValue(MEMLOCK)))
            : OptionalLong.empty(),
        id(commandLine, UID),
        id(commandLine, PID));
  }

  private static Backing backing(String text) {
    for (Backing backing : BACKINGS) {
      if (backing.name().equals(text.toUpperCase(Locale.ROOT))) {
        return backing;
      }
    }
    throw usage(
        "--backing: unknown backing \"" + text + "\" (ANON, THP, HUGETLB_2M or HUGETLB_1G)");
  }

  private static OptionalInt id(CommandLine commandLine, Option option) {
    String text = commandLine.getOptionValue(option);
    if (text == null) {
      return OptionalInt.empty();
    }
    try {
      return OptionalInt.of(Integer.parseUnsignedInt(text.strip()));
    } catch (NumberFormatException e) {
      throw usage("--" + option.getLongOpt() + ": invalid id \"" + text + "\" (0 to 4294967295)");
    }
  }

  private static String count(long count, String noun) {
    return count + " " + noun + (count == 1 ? "" : "s");
  }

  private static void append(MessageSpill<Type1Event> spill, Type1Event event) {
    try {
      spill.append(event);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static UsageException usage(String message) {
    return new UsageException(NAME + ": " + message + " (see 'vfio-migrate " + NAME + " --help')");
  }
}
