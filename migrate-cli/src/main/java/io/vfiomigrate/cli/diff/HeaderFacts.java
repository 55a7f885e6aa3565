package io.vfiomigrate.cli.diff;

import io.vfiomigrate.cli.shadow.Ranges;
import io.vfiomigrate.proto.Backing;
import io.vfiomigrate.proto.IommuConfig;
import io.vfiomigrate.proto.MemoryRegion;
import io.vfiomigrate.proto.Task;
import io.vfiomigrate.proto.TraceHeader;
import io.vfiomigrate.trace.TraceHeaders;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** What the rules need to know from the trace header: tasks, MMIO regions, limits. */
final class HeaderFacts {
  private static final int DEFAULT_DMA_ENTRY_LIMIT = 65535;

  private final long pageSize;
  private final Map<Integer, Task> tasks = new HashMap<>();
  private final Map<Integer, List<MemoryRegion>> mmio = new HashMap<>();
  private final long dmaEntryLimit;

  HeaderFacts(TraceHeader header) {
    this.pageSize = TraceHeaders.pageSize(header);
    for (Task task : header.getTasksList()) {
      tasks.put(task.getPid(), task);
    }
    for (MemoryRegion region : header.getMemoryList()) {
      if (region.getBacking() == Backing.MMIO) {
        mmio.computeIfAbsent(region.getPid(), pid -> new ArrayList<>()).add(region);
      }
    }
    IommuConfig iommu = header.getIommu();
    this.dmaEntryLimit =
        iommu.hasDmaEntryLimit()
            ? Integer.toUnsignedLong(iommu.getDmaEntryLimit())
            : DEFAULT_DMA_ENTRY_LIMIT;
  }

  long pageSize() {
    return pageSize;
  }

  long dmaEntryLimit() {
    return dmaEntryLimit;
  }

  @Nullable Task task(int pid) {
    return tasks.get(pid);
  }

  /** RLIMIT_MEMLOCK of {@code pid} in pages; unlimited is U64_MAX. */
  long memlockPages(int pid) {
    Task task = tasks.get(pid);
    if (task == null || task.getMemlockUnlimited()) {
      return -1L;
    }
    return Long.divideUnsigned(task.getMemlockLimit(), pageSize);
  }

  /** Whether {@code [vaddr, vaddr + length)} of {@code pid} touches a device BAR mapping. */
  boolean touchesMmio(int pid, long vaddr, long length) {
    if (length == 0 || Ranges.wraps(vaddr, length)) {
      return false;
    }
    for (MemoryRegion region : mmio.getOrDefault(pid, List.of())) {
      if (Ranges.intersects(
          vaddr, vaddr + length - 1, region.getVaddr(), region.getVaddr() + region.getSize() - 1)) {
        return true;
      }
    }
    return false;
  }
}
