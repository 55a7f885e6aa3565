package io.vfiomigrate.cli.plan;

import io.vfiomigrate.cli.CliIo;
import io.vfiomigrate.cli.ExitCodes;
import io.vfiomigrate.cli.Progress;
import io.vfiomigrate.cli.Subcommand;
import io.vfiomigrate.cli.Terminal;
import io.vfiomigrate.cli.UsageException;
import io.vfiomigrate.cli.replay.Backends;
import io.vfiomigrate.cli.synth.RamBacking;
import io.vfiomigrate.trace.FileKind;
import io.vfiomigrate.trace.TraceFormatException;
import io.vfiomigrate.trace.TraceWriter;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code vfio-migrate plan FILE | --ram SIZE [VM options]}: the smallest RLIMIT_MEMLOCK each
 * accounting model needs for a trace or a VM description, the limit libvirt would set, and whether
 * it suffices. A trace is measured by replaying it ({@link TraceReplays}), a VM description is
 * computed ({@link VmNeeds}); {@code docs/plan.md} says what each figure means.
 */
public final class PlanCommand implements Subcommand {
  private static final Option RAM = valued("ram", "SIZE", "guest RAM per VM, e.g. 8GiB");
  private static final Option BACKING =
      valued("backing", "KIND", "anon, thp, hugetlb-2m or hugetlb-1g (default thp)");
  private static final Option HOSTDEVS =
      valued("hostdevs", "N", "passthrough PCI devices per VM (default 0)");
  private static final Option MDEVS = valued("mdevs", "N", "mdevs (vGPUs) per VM (default 0)");
  private static final Option VIOMMU =
      Option.builder().longOpt("viommu").desc("the VMs have a vIOMMU").get();
  private static final Option VMS = valued("vms", "K", "identical VMs (default 1)");
  private static final Option SAME_UID =
      Option.builder().longOpt("same-uid").desc("all VMs run as one uid").get();
  private static final Option NVME = valued("nvme", "N", "NVMe disks per VM (libvirt's rule only)");
  private static final Option VDPA =
      valued("vdpa", "N", "vDPA devices per VM (libvirt's rule only)");
  private static final Option HARD_LIMIT =
      valued("hard-limit", "SIZE", "the domains' <memtune><hard_limit>");
  private static final Option LOCKED =
      Option.builder().longOpt("locked").desc("the domains have <memoryBacking><locked/>").get();
  private static final Option MODELS =
      valued("models", "LIST", "type1,compat,iommufd-user,iommufd-mm (default: all in this build)");
  private static final Option JSON =
      Option.builder().longOpt("json").desc("print the plan as JSON").get();
  private static final Option TRACE_OUT =
      valued("trace-out", "OUT", "also write the VM description's trace (.json or .pb)");

  /** The options that describe the workload, which a trace shows itself. */
  private static final List<Option> VM_OPTIONS =
      List.of(RAM, BACKING, HOSTDEVS, MDEVS, VIOMMU, VMS, SAME_UID, TRACE_OUT);

  private final Backends backends;
  private final Terminal terminal;

  @Inject
  PlanCommand(Backends backends, Terminal terminal) {
    this.backends = backends;
    this.terminal = terminal;
  }

  @Override
  public String name() {
    return "plan";
  }

  @Override
  public String summary() {
    return "the RLIMIT_MEMLOCK each model needs for a trace or a VM, against libvirt's";
  }

  @Override
  public String details() {
    return """
    A trace is replayed on each model with unlimited RLIMIT_MEMLOCK; a VM description
    (--ram ...) is computed. --nvme, --vdpa, --hard-limit and --locked feed libvirt's rule
    for either. See docs/plan.md.\
    """;
  }

  @Override
  public Options options() {
    Options options = new Options();
    VM_OPTIONS.forEach(options::addOption);
    List.of(NVME, VDPA, HARD_LIMIT, LOCKED, MODELS, JSON).forEach(options::addOption);
    return Progress.addOptions(options);
  }

  @Override
  public String arguments() {
    return "[FILE]";
  }

  @Override
  public int run(CommandLine line, CliIo io) {
    List<String> args = line.getArgList();
    if (args.size() > 1) {
      throw usage("expected at most one FILE, got " + args.size() + " arguments");
    }
    boolean described = VM_OPTIONS.stream().anyMatch(line::hasOption);
    if (!args.isEmpty() && described) {
      throw usage(
          "FILE and a VM description (--ram, --backing, --hostdevs, --mdevs, --viommu, --vms,"
              + " --same-uid, --trace-out) exclude each other");
    }
    if (args.isEmpty() && !line.hasOption(RAM)) {
      throw usage(described ? "a VM description needs --ram SIZE" : "expected FILE or --ram SIZE");
    }
    LibvirtOptions libvirt =
        new LibvirtOptions(
            count(line, NVME, 0, 0, VmDescription.MAX_DEVICES),
            count(line, VDPA, 0, 0, VmDescription.MAX_DEVICES),
            line.hasOption(HARD_LIMIT)
                ? OptionalLong.of(ByteSize.parse("--hard-limit", line.getOptionValue(HARD_LIMIT)))
                : OptionalLong.empty(),
            line.hasOption(LOCKED));
    PlanResult plan =
        args.isEmpty()
            ? planDescription(line, libvirt)
            : planTrace(Path.of(args.get(0)), line, libvirt, io);
    if (line.hasOption(JSON)) {
      PlanJson.print(plan, io.out());
    } else {
      PlanText.print(plan, io.out());
    }
    return ExitCodes.OK;
  }

  private PlanResult planTrace(Path input, CommandLine line, LibvirtOptions libvirt, CliIo io) {
    if (FileKind.detect(input) != FileKind.TYPE1_TRACE) {
      throw TraceFormatException.malformed(
          input.toString(), null, null, "is an iommufd program; plan needs a type1 trace");
    }
    List<PlanModel> models = replayable(line, io);
    TraceReplays.Measured measured;
    try (Progress progress = Progress.of(line, terminal, io, name())) {
      measured = TraceReplays.measure(input, models, backends, libvirt, progress, io.err());
    }
    return PlanResult.of(input.toString(), new LibvirtLimits(measured.domains()), measured.needs());
  }

  /**
   * The models to replay on: those named, each of which must be in this build, or by default every
   * model whose backend is, the others named on stderr.
   */
  private List<PlanModel> replayable(CommandLine line, CliIo io) {
    if (line.hasOption(MODELS)) {
      List<PlanModel> models = PlanModel.parseList(line.getOptionValue(MODELS));
      models.forEach(model -> backends.require(model.backend(), "--models"));
      return models;
    }
    List<PlanModel> models = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    for (PlanModel model : PlanModel.values()) {
      if (backends.available(model.backend())) {
        models.add(model);
      } else {
        missing.add(model.id());
      }
    }
    if (models.isEmpty()) {
      // Nothing to replay on: fail as a command naming type1 would (exit 70, what is missing).
      backends.require(PlanModel.TYPE1.backend(), "--models");
    }
    if (!missing.isEmpty()) {
      io.err()
          .println(
              "vfio-migrate: plan: "
                  + String.join(", ", missing)
                  + " left out: their backend is not available in this build");
    }
    return models;
  }

  private PlanResult planDescription(CommandLine line, LibvirtOptions libvirt) {
    VmDescription vm =
        new VmDescription(
            ByteSize.parse("--ram", line.getOptionValue(RAM)),
            RamBacking.parse(name(), line.getOptionValue(BACKING, "thp")),
            count(line, HOSTDEVS, 0, 0, VmDescription.MAX_DEVICES),
            count(line, MDEVS, 0, 0, VmDescription.MAX_DEVICES),
            line.hasOption(VIOMMU),
            count(line, VMS, 1, 1, VmDescription.MAX_VMS),
            line.hasOption(SAME_UID),
            libvirt);
    List<PlanModel> models =
        line.hasOption(MODELS)
            ? PlanModel.parseList(line.getOptionValue(MODELS))
            : List.of(PlanModel.values());
    Map<Integer, DomainMemlockInputs> domains = new TreeMap<>();
    for (int v = 0; v < vm.vms(); v++) {
      domains.put(VmTrace.pid(v), vm.domain());
    }
    LibvirtLimits limits = new LibvirtLimits(domains);
    if (line.hasOption(TRACE_OUT)) {
      writeTrace(vm, limits.summary(), Path.of(line.getOptionValue(TRACE_OUT)));
    }
    return PlanResult.of(
        "VM description", limits, models.stream().map(model -> VmNeeds.of(vm, model)).toList());
  }

  private static void writeTrace(VmDescription vm, MemlockLimit limit, Path output) {
    VmTrace trace = new VmTrace(vm);
    try (TraceWriter writer = TraceWriter.create(output, List.of())) {
      writer.writeHeader(trace.header(limit));
      trace.events(writer::write);
      writer.commit();
    }
  }

  private static int count(CommandLine line, Option option, int fallback, int min, int max) {
    if (!line.hasOption(option)) {
      return fallback;
    }
    String value = line.getOptionValue(option);
    try {
      int number = Integer.parseInt(value.strip());
      if (number >= min && number <= max) {
        return number;
      }
    } catch (NumberFormatException e) {
      // Reported below.
    }
    throw usage(
        "--"
            + option.getLongOpt()
            + ": expected a number from "
            + min
            + " to "
            + max
            + ", got \""
            + value
            + "\"");
  }

  private static UsageException usage(String detail) {
    return new UsageException("plan: " + detail + " (see 'vfio-migrate plan --help')");
  }

  private static Option valued(String name, String argName, String description) {
    return Option.builder().longOpt(name).hasArg().argName(argName).desc(description).get();
  }
}
