package io.vfiomigrate.cli.plan;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The RLIMIT_MEMLOCK libvirt gives each VM of a plan: one domain per VMM process, by pid. */
final class LibvirtLimits {
  /** The VMs that share one domain definition, and so one limit. */
  record Domain(List<Integer> pids, DomainMemlockInputs inputs, MemlockLimit limit) {
    Domain {
      pids = List.copyOf(pids);
      requireNonNull(inputs, "inputs is null");
      requireNonNull(limit, "limit is null");
    }
  }

  private final Map<Integer, MemlockLimit> byPid = new LinkedHashMap<>();
  private final List<Domain> domains = new ArrayList<>();

  /** Groups the pids of equal domains; {@code byPid} in pid order. */
  LibvirtLimits(Map<Integer, DomainMemlockInputs> inputsByPid) {
    Map<DomainMemlockInputs, List<Integer>> pidsByInputs = new LinkedHashMap<>();
    inputsByPid.forEach(
        (pid, inputs) -> pidsByInputs.computeIfAbsent(inputs, i -> new ArrayList<>()).add(pid));
    pidsByInputs.forEach(
        (inputs, pids) -> {
          MemlockLimit limit = LibvirtMemlockRule.limit(inputs);
          domains.add(new Domain(pids, inputs, limit));
          pids.forEach(pid -> byPid.put(pid, limit));
        });
  }

  List<Domain> domains() {
    return List.copyOf(domains);
  }

  /** The limit of {@code pid}'s domain; {@link MemlockLimit.Unchanged} for a pid that is none. */
  MemlockLimit of(int pid) {
    return byPid.getOrDefault(pid, new MemlockLimit.Unchanged());
  }

  /**
   * The one limit to report for the plan: the domains' limit when they agree (always, for a VM
   * description), else the smallest one libvirt sets, the one most likely to fall short; {@link
   * MemlockLimit.Unchanged} only when libvirt sets none.
   */
  MemlockLimit summary() {
    MemlockLimit smallest = new MemlockLimit.Unchanged();
    for (Domain domain : domains) {
      if (smallest instanceof MemlockLimit.Unchanged || smaller(domain.limit(), smallest)) {
        smallest = domain.limit();
      }
    }
    return smallest;
  }

  private static boolean smaller(MemlockLimit a, MemlockLimit b) {
    return a instanceof MemlockLimit.Bytes bytesA
        && (!(b instanceof MemlockLimit.Bytes bytesB) || bytesA.bytes() < bytesB.bytes());
  }
}
