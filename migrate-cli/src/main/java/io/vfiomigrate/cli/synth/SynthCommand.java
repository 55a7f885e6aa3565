package io.vfiomigrate.cli.synth;

import com.google.common.collect.ImmutableMap;
import io.vfiomigrate.cli.Arguments;
import io.vfiomigrate.cli.CliIo;
import io.vfiomigrate.cli.ExitCodes;
import io.vfiomigrate.cli.Progress;
import io.vfiomigrate.cli.Subcommand;
import io.vfiomigrate.cli.Terminal;
import io.vfiomigrate.cli.UsageException;
import io.vfiomigrate.proto.Backing;
import io.vfiomigrate.trace.TraceWriter;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code vfio-migrate synth --scenario NAME [--seed N] [options] -o OUT}: writes a synthetic type1
 * trace, streaming, deterministic for the same options and seed. Scenarios and the options each one
 * reads are in the help and in {@code docs/cli.md}.
 */
public final class SynthCommand implements Subcommand {
  static final ImmutableMap<String, Scenario> SCENARIOS =
      scenarios(
          new VmBoot(),
          new KvmgtChurn(),
          new CcwPins(),
          new ApQueues(),
          new Hotplug(),
          new MultiVm(),
          new ViommuGuest());

  private static final Option SCENARIO =
      Option.builder()
          .longOpt("scenario")
          .hasArg()
          .argName("NAME")
          .desc("one of: " + String.join(", ", SCENARIOS.keySet()))
          .get();
  private static final Option SEED =
      Option.builder().longOpt("seed").hasArg().argName("N").desc("random seed (default 1)").get();
  private static final Option OUTPUT =
      Option.builder("o")
          .longOpt("output")
          .hasArg()
          .argName("OUT")
          .desc("the trace to write (.json or .pb)")
          .get();
  private static final Option DEVICES =
      Option.builder()
          .longOpt("devices")
          .hasArg()
          .argName("N")
          .desc("passthrough devices, or AP queues (default 1, ap: 4)")
          .get();
  private static final Option RAM =
      Option.builder()
          .longOpt("ram")
          .hasArg()
          .argName("SIZE")
          .desc("guest RAM per VM, e.g. 4G or 1T (default 4G)")
          .get();
  private static final Option BACKING =
      Option.builder()
          .longOpt("backing")
          .hasArg()
          .argName("KIND")
          .desc("anon, thp, hugetlb-2m or hugetlb-1g (default thp)")
          .get();
  private static final Option EVENTS =
      Option.builder()
          .longOpt("events")
          .hasArg()
          .argName("N")
          .desc("events in the trace, for kvmgt-churn, ccw, ap, viommu (default 100000)")
          .get();
  private static final Option VMS =
      Option.builder()
          .longOpt("vms")
          .hasArg()
          .argName("K")
          .desc("VMs of multi-vm (default 2)")
          .get();
  private static final Option CYCLES =
      Option.builder()
          .longOpt("cycles")
          .hasArg()
          .argName("N")
          .desc("plug cycles of hotplug (default 4)")
          .get();
  private static final Option MEMLOCK =
      Option.builder()
          .longOpt("memlock")
          .hasArg()
          .argName("SIZE")
          .desc("RLIMIT_MEMLOCK of every task (default RAM + 1G)")
          .get();

  private final Terminal terminal;

  @Inject
  SynthCommand(Terminal terminal) {
    this.terminal = terminal;
  }

  @Override
  public String name() {
    return "synth";
  }

  @Override
  public String summary() {
    return "write a deterministic synthetic trace for demos and benchmarks";
  }

  @Override
  public String details() {
    StringBuilder text = new StringBuilder("scenarios (options each one reads):");
    for (Scenario scenario : SCENARIOS.values()) {
      text.append("\n  ").append(scenario.name()).append(": ").append(scenario.summary());
      StringBuilder options = new StringBuilder();
      scenario.options().forEach(option -> options.append(" --").append(option.longName()));
      text.append("\n     ").append(options);
    }
    return text.toString();
  }

  @Override
  public Options options() {
    return Progress.addOptions(
        new Options()
            .addOption(SCENARIO)
            .addOption(SEED)
            .addOption(OUTPUT)
            .addOption(DEVICES)
            .addOption(RAM)
            .addOption(BACKING)
            .addOption(EVENTS)
            .addOption(VMS)
            .addOption(CYCLES)
            .addOption(MEMLOCK));
  }

  @Override
  public int run(CommandLine line, CliIo io) {
    Arguments.none(line, name());
    Progress progress = Progress.of(line, terminal, io, name());
    if (!line.hasOption(SCENARIO)) {
      throw new UsageException("synth: missing --scenario NAME (see 'vfio-migrate synth --help')");
    }
    Scenario scenario = SCENARIOS.get(line.getOptionValue(SCENARIO));
    if (scenario == null) {
      throw new UsageException(
          "synth: --scenario: unknown scenario \""
              + line.getOptionValue(SCENARIO)
              + "\" (expected one of "
              + String.join(", ", SCENARIOS.keySet())
              + ")");
    }
    if (!line.hasOption(OUTPUT)) {
      throw new UsageException("synth: missing -o OUT (see 'vfio-migrate synth --help')");
    }
    for (SynthOption option : SynthOption.values()) {
      if (line.hasOption(option.longName()) && !scenario.options().contains(option)) {
        throw new UsageException(
            "synth: --" + option.longName() + " does not apply to scenario " + scenario.name());
      }
    }
    SynthParams params = params(line, scenario);
    Path output = Path.of(line.getOptionValue(OUTPUT));
    long events = 0;
    try (TraceWriter trace = TraceWriter.create(output, List.of());
        progress) {
      trace.writeHeader(scenario.header(params));
      long[] written = {0};
      scenario.events(
          params,
          event -> {
            trace.write(event);
            progress.update(++written[0]);
          });
      events = trace.eventsWritten();
      trace.commit();
    }
    io.err()
        .println(
            "vfio-migrate: synth: "
                + scenario.name()
                + ": "
                + events
                + " events written to "
                + output);
    return ExitCodes.OK;
  }

  private static SynthParams params(CommandLine line, Scenario scenario) {
    long ram = size(line, RAM, "4G");
    Backing backing = RamBacking.parse("synth", line.getOptionValue(BACKING, "thp"));
    long alignment = RamBacking.alignment(backing);
    if (ram == 0 || ram % alignment != 0 || ram > RamBacking.MAX_TOTAL_RAM) {
      throw new UsageException(
          "synth: --ram: "
              + ram
              + " bytes is not a non-zero multiple of "
              + alignment
              + " for "
              + backing
              + " up to 512 TiB");
    }
    int vms = (int) count(line, VMS, 2, 1, 1024);
    if (ram > RamBacking.MAX_TOTAL_RAM / vms) {
      throw new UsageException("synth: --vms x --ram exceeds the 512 TiB a host may describe");
    }
    int defaultDevices = scenario instanceof ApQueues ? 4 : 1;
    long minimumEvents = 32;
    return new SynthParams(
        count(line, SEED, 1, Long.MIN_VALUE, Long.MAX_VALUE),
        (int) count(line, DEVICES, defaultDevices, 1, 4096),
        ram,
        backing,
        count(line, EVENTS, 100_000, minimumEvents, Long.MAX_VALUE),
        vms,
        (int) count(line, CYCLES, 4, 0, 1_000_000),
        line.hasOption(MEMLOCK) ? size(line, MEMLOCK, "0") : ram + (1L << 30));
  }

  private static long size(CommandLine line, Option option, String fallback) {
    return SizeOption.parse("--" + option.getLongOpt(), line.getOptionValue(option, fallback));
  }

  private static long count(CommandLine line, Option option, long fallback, long min, long max) {
    if (!line.hasOption(option)) {
      return fallback;
    }
    String value = line.getOptionValue(option);
    try {
      long number = Long.parseLong(value);
      if (number >= min && number <= max) {
        return number;
      }
    } catch (NumberFormatException e) {
      // Reported below.
    }
    throw new UsageException(
        "synth: --"
            + option.getLongOpt()
            + ": expected a number from "
            + min
            + " to "
            + max
            + ", got \""
            + value
            + "\"");
  }

  private static ImmutableMap<String, Scenario> scenarios(Scenario... scenarios) {
    ImmutableMap.Builder<String, Scenario> map = ImmutableMap.builder();
    for (Scenario scenario : scenarios) {
      map.put(scenario.name(), scenario);
    }
    return map.buildOrThrow();
  }
}
