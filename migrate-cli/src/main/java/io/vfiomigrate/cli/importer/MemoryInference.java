package io.vfiomigrate.cli.importer;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import io.vfiomigrate.proto.Backing;
import io.vfiomigrate.proto.MemoryRegion;
import io.vfiomigrate.trace.TraceHeaders;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The memory regions of the header, inferred from the host addresses the maps use: each range is
 * aligned out to the backing's page size (4 KiB, or the huge page size for HUGETLB backings, whose
 * mappings the kernel makes whole), and ranges of one process that overlap or touch are merged as
 * they come, so the state is bounded by the number of distinct RAM blocks, not by the log.
 *
 * <p>Ranges the kernel refused as PCI BARs (iommufd's EFAULT hint) become MMIO regions, page
 * aligned, and are cut out of the RAM around them.
 */
final class MemoryInference {
  private final Backing backing;
  private final long alignment;
  private final Map<Integer, AddressRanges> ram = new TreeMap<>(Integer::compareUnsigned);
  private final Map<Integer, AddressRanges> mmio = new TreeMap<>(Integer::compareUnsigned);

  MemoryInference(Backing backing) {
    this.backing = requireNonNull(backing, "backing is null");
    this.alignment = alignment(backing);
  }

  static long alignment(Backing backing) {
    return switch (backing) {
      case HUGETLB_2M -> 2L << 20;
      case HUGETLB_1G -> 1L << 30;
      case ANON, THP, MMIO, BACKING_UNSPECIFIED, UNRECOGNIZED -> TraceHeaders.PAGE_SIZE;
    };
  }

  /**
   * Records that process {@code pid} mapped {@code [vaddr, vaddr + size)}; a range that is empty or
   * passes 2^64 describes no memory and is left out.
   */
  void add(int pid, long vaddr, long size, boolean isMmio) {
    if (!AddressRanges.fits(vaddr, size)) {
      return;
    }
    long align = isMmio ? TraceHeaders.PAGE_SIZE : alignment;
    (isMmio ? mmio : ram)
        .computeIfAbsent(pid, unused -> new AddressRanges())
        .add(vaddr & -align, (vaddr + size - 1) | (align - 1));
  }

  /** The regions, by pid and then by address. Call once, at the end: it cuts the MMIO out. */
  ImmutableList<MemoryRegion> build() {
    mmio.forEach(
        (pid, bars) -> {
          AddressRanges memory = ram.get(pid);
          if (memory != null) {
            bars.forEach(memory::remove);
          }
        });
    List<MemoryRegion> regions = new ArrayList<>();
    ram.forEach((pid, ranges) -> addRegions(regions, pid, ranges, backing));
    mmio.forEach((pid, ranges) -> addRegions(regions, pid, ranges, Backing.MMIO));
    return ImmutableList.sortedCopyOf(
        Comparator.comparing(MemoryRegion::getPid, Integer::compareUnsigned)
            .thenComparing(MemoryRegion::getVaddr, Long::compareUnsigned),
        regions);
  }

  private static void addRegions(
      List<MemoryRegion> regions, int pid, AddressRanges ranges, Backing backing) {
    ranges.forEach(
        (first, last) -> {
          long size = last - first + 1;
          if (size != 0) {
            regions.add(
                MemoryRegion.newBuilder()
                    .setPid(pid)
                    .setVaddr(first)
                    .setSize(size)
                    .setBacking(backing)
                    .build());
          }
        });
  }
}
