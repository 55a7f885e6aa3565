package io.vfiomigrate.host;

import static java.util.Objects.requireNonNull;

import io.vfiomigrate.api.U64;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything a simulated host is built from: its tasks, their memory, the IOMMU hardware and
 * type1's {@code dma_entry_limit} module parameter. The same config always yields the same
 * host, page frames included, so two backends can be compared on identical ground.
 *
 * <p>{@code groupIommus} places groups behind other IOMMUs than {@code iommu} (to get several
 * domains); a group not listed is behind {@code iommu}.
 */
public record HostConfig(
    long pageSize,
    List<TaskSpec> tasks,
    List<RegionSpec> regions,
    IommuSpec iommu,
    Map<Integer, IommuSpec> groupIommus,
    int dmaEntryLimit) {
  public static final long PAGE_SIZE = 4096;
  /** vfio_iommu_type1's default dma_entry_limit (U16_MAX). */
  public static final int DEFAULT_DMA_ENTRY_LIMIT = 65535;
  /** Bytes of memory a host may describe; keeps PFNs far below 2^52. */
  public static final long MAX_TOTAL_MEMORY = 1L << 50;

  /**
   * @throws IllegalArgumentException naming the offending task or region (e.g.
   *     {@code memory[2].vaddr}) if the config cannot describe a real host
   */
  public HostConfig {
    tasks = List.copyOf(tasks);
    regions = List.copyOf(regions);
    requireNonNull(iommu, "iommu is null");
    groupIommus = Map.copyOf(groupIommus);
    if (pageSize != PAGE_SIZE) {
      throw new IllegalArgumentException("pageSize: only 4096 is supported, not " + pageSize);
    }
    if (dmaEntryLimit < 0) {
      throw new IllegalArgumentException("dmaEntryLimit: negative");
    }
    validateTasks(tasks);
    validateRegions(tasks, regions);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The IOMMU that the devices of {@code group} sit behind. */
  public IommuSpec iommuForGroup(int group) {
    return groupIommus.getOrDefault(group, iommu);
  }

  private static void validateTasks(List<TaskSpec> tasks) {
    Set<Integer> pids = new HashSet<>();
    for (int i = 0; i < tasks.size(); i++) {
      if (!pids.add(tasks.get(i).pid())) {
        throw new IllegalArgumentException(
            "tasks[" + i + "].pid: duplicate pid " + tasks.get(i).pid());
      }
    }
  }

  private static void validateRegions(List<TaskSpec> tasks, List<RegionSpec> regions) {
    Set<Integer> pids = new HashSet<>();
    tasks.forEach(t -> pids.add(t.pid()));
    Map<Integer, List<RegionSpec>> byPid = new HashMap<>();
    long total = 0;
    for (int i = 0; i < regions.size(); i++) {
      RegionSpec r = regions.get(i);
      String at = "memory[" + i + "]";
      if (!pids.contains(r.pid())) {
        throw new IllegalArgumentException(at + ".pid: no task " + r.pid());
      }
      long alignment = r.backing().alignmentPages() * PAGE_SIZE;
      if (!U64.isAligned(r.vaddr(), alignment)) {
        throw new IllegalArgumentException(
            at + ".vaddr: " + U64.hex(r.vaddr()) + " is not aligned to " + alignment
                + " for " + r.backing());
      }
      if (r.size() == 0 || !U64.isAligned(r.size(), alignment)) {
        throw new IllegalArgumentException(
            at + ".size: " + U64.toString(r.size()) + " is not a non-zero multiple of "
                + alignment + " for " + r.backing());
      }
      if (U64.lastOverflows(r.vaddr(), r.size())) {
        throw new IllegalArgumentException(at + ".size: vaddr + size wraps past 2^64");
      }
      if (U64.greaterThan(r.size(), MAX_TOTAL_MEMORY - total)) {
        throw new IllegalArgumentException(at + ".size: the host's memory exceeds 2^50 bytes");
      }
      total += r.size();
      for (RegionSpec other : byPid.getOrDefault(r.pid(), List.of())) {
        if (U64.lessThan(r.vaddr(), other.vaddr() + other.size())
            && U64.lessThan(other.vaddr(), r.vaddr() + r.size())) {
          throw new IllegalArgumentException(
              at + ".vaddr: overlaps the region at " + U64.hex(other.vaddr()) + " of pid "
                  + r.pid());
        }
      }
      byPid.computeIfAbsent(r.pid(), k -> new ArrayList<>()).add(r);
    }
  }

  /** Assembles a config step by step; defaults: no tasks, no memory, default IOMMU. */
  public static final class Builder {
    private final List<TaskSpec> tasks = new ArrayList<>();
    private final List<RegionSpec> regions = new ArrayList<>();
    private final Map<Integer, IommuSpec> groupIommus = new HashMap<>();
    private IommuSpec iommu = IommuSpec.defaults();
    private int dmaEntryLimit = DEFAULT_DMA_ENTRY_LIMIT;

    public Builder task(TaskSpec task) {
      tasks.add(task);
      return this;
    }

    public Builder region(RegionSpec region) {
      regions.add(region);
      return this;
    }

    public Builder iommu(IommuSpec spec) {
      iommu = spec;
      return this;
    }

    public Builder groupIommu(int group, IommuSpec spec) {
      groupIommus.put(group, spec);
      return this;
    }

    public Builder dmaEntryLimit(int limit) {
      dmaEntryLimit = limit;
      return this;
    }

    public HostConfig build() {
      return new HostConfig(PAGE_SIZE, tasks, regions, iommu, groupIommus, dmaEntryLimit);
    }
  }
}
