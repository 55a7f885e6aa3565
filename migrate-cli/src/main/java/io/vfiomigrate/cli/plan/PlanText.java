package io.vfiomigrate.cli.plan;

import static io.vfiomigrate.cli.HumanFormat.bytes;
import static io.vfiomigrate.cli.HumanFormat.bytesExact;

import io.vfiomigrate.cli.report.Table;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The human form of a plan: what libvirt sets for each domain and why, then one row per model with
 * its minimum RLIMIT_MEMLOCK, the step that reached it and libvirt's verdict.
 */
final class PlanText {
  private static final int PIDS_NAMED = 4;

  private PlanText() {}

  static void print(PlanResult plan, PrintStream out) {
    out.println("memlock plan for " + plan.subject());
    for (LibvirtLimits.Domain domain : plan.libvirt().domains()) {
      out.println(libvirtLine(domain));
    }
    out.println();
    Table table =
        new Table(
            List.of("model", "minimum RLIMIT_MEMLOCK", "step", "libvirt's limit"),
            false,
            true,
            true,
            false);
    for (PlanResult.ModelPlan model : plan.models()) {
      ModelNeeds needs = model.needs();
      String step =
          needs
              .largest()
              .filter(n -> n.step().isPresent())
              .map(n -> "" + n.step().getAsLong())
              .orElse("-");
      table.add(
          List.of(
              needs.model().id(),
              bytesExact(needs.minimumBytes()),
              step,
              (model.verdict().suffices() ? "suffices: " : "SHORT: ") + model.verdict().reason()));
    }
    table.print(out, "");
  }

  private static String libvirtLine(LibvirtLimits.Domain domain) {
    String pids = pids(domain.pids());
    DomainMemlockInputs inputs = domain.inputs();
    MemlockLimit limit = domain.limit();
    if (limit instanceof MemlockLimit.Unlimited) {
      return "libvirt sets no limit for " + pids + ": <locked/> memory";
    }
    if (!(limit instanceof MemlockLimit.Bytes set)) {
      return "libvirt leaves RLIMIT_MEMLOCK alone for "
          + pids
          + ": no VFIO device, NVMe disk or vDPA device";
    }
    String head = "libvirt sets " + bytesExact(set.bytes()) + " for " + pids + ": ";
    if (inputs.hardLimitBytes().isPresent()) {
      return head + "the domain's hard_limit";
    }
    return head
        + LibvirtMemlockRule.factor(inputs)
        + " x "
        + bytes(inputs.guestMemoryBytes())
        + " of guest memory + 1 GiB ("
        + factorParts(inputs)
        + ")";
  }

  private static String factorParts(DomainMemlockInputs inputs) {
    List<String> parts = new ArrayList<>();
    if (inputs.vfioHostdevs() > 0) {
      parts.add(
          count(inputs.vfioHostdevs(), "VFIO device")
              + (inputs.viommu() ? ", each with its own container (vIOMMU)" : ", once together"));
    }
    if (inputs.nvmeDisks() > 0) {
      parts.add(count(inputs.nvmeDisks(), "NVMe disk"));
    }
    if (inputs.vdpaDevices() > 0) {
      parts.add(count(inputs.vdpaDevices(), "vDPA device"));
    }
    return String.join("; ", parts);
  }

  private static String count(int n, String thing) {
    return n + " " + thing + (n == 1 ? "" : "s");
  }

  private static String pids(List<Integer> pids) {
    if (pids.size() > PIDS_NAMED) {
      return pids.size() + " VMs (pids " + pids.get(0) + " to " + pids.get(pids.size() - 1) + ")";
    }
    return (pids.size() == 1 ? "pid " : "pids ")
        + pids.stream().map(Integer::toUnsignedString).collect(Collectors.joining(", "));
  }
}
