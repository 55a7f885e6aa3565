package io.vfiomigrate.cli;

import static io.vfiomigrate.cli.HumanFormat.hex;
import static io.vfiomigrate.cli.HumanFormat.u32;
import static io.vfiomigrate.cli.HumanFormat.u64;

import io.vfiomigrate.cli.shadow.ContainerShadows;
import io.vfiomigrate.cli.shadow.Outcomes;
import io.vfiomigrate.cli.shadow.Ranges;
import io.vfiomigrate.cli.shadow.Semantics;
import io.vfiomigrate.cli.shadow.Type1Forecast;
import io.vfiomigrate.cli.shadow.Type1Forecast.Forecast;
import io.vfiomigrate.cli.shadow.Type1Forecast.Reason;
import io.vfiomigrate.proto.DmaRw;
import io.vfiomigrate.proto.GroupKind;
import io.vfiomigrate.proto.MapDma;
import io.vfiomigrate.proto.MemoryRegion;
import io.vfiomigrate.proto.Task;
import io.vfiomigrate.proto.TraceHeader;
import io.vfiomigrate.proto.Type1Event;
import io.vfiomigrate.proto.UnmapDma;
import io.vfiomigrate.trace.IndexedEvent;
import io.vfiomigrate.trace.TraceHeaders;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Semantic checks of a type1 trace that is valid against the schema, fed one event at a time so
 * that memory grows with the number of ids in use, not with the trace.
 *
 * <p>Header: memory regions of unknown pids, empty, unaligned, wrapping past 2^64, or overlapping
 * another region of the same pid. Events: no op, a pid missing from the header, a container used
 * before containerOpen or after containerClose, pin/unpin/dmaRw on a group never attached as
 * EMULATED, zero sizes, ranges that wrap past 2^64, maps of user memory the pid does not have, and
 * everything else type1 would refuse given the containers' state so far ({@link Type1Forecast}):
 * overlapping maps, pins of IOVA that is not mapped, detaching a group that is not attached, maps
 * before VFIO_SET_IOMMU, unaligned sizes, and so on.
 *
 * <p>An event whose {@code expect.errno} records a failure exercises an error path on purpose; it
 * gets only the pid check, and changes no state (a failed containerOpen opens nothing). Container
 * and group ids are global to the trace, as in the trace format.
 */
final class TraceLint {
  private final long pageSize;
  private final Set<Integer> pids = new HashSet<>();
  private final Set<Integer> openContainers = new HashSet<>();
  private final Set<Integer> closedContainers = new HashSet<>();
  private final Set<Integer> emulatedGroups = new HashSet<>();
  private final Map<Integer, TreeMap<Long, MemoryRegion>> memoryByPid = new HashMap<>();
  private final ContainerShadows containers;
  private final FindingList findings;

  TraceLint(TraceHeader header, FindingList findings) {
    this.pageSize = TraceHeaders.pageSize(header);
    this.findings = findings;
    this.containers = new ContainerShadows(Semantics.TYPE1, pageSize);
    for (Task task : header.getTasksList()) {
      pids.add(task.getPid());
    }
    for (MemoryRegion region : header.getMemoryList()) {
      memoryByPid
          .computeIfAbsent(region.getPid(), pid -> new TreeMap<>(Long::compareUnsigned))
          .put(region.getVaddr(), region);
    }
    checkMemory(header.getMemoryList());
  }

  void accept(IndexedEvent indexed) {
    Type1Event event = indexed.event();
    String where = "event " + indexed.index();
    if (event.getOpCase() == Type1Event.OpCase.OP_NOT_SET) {
      findings.add(where, "op", "no operation set");
      return;
    }
    if (!pids.contains(event.getPid())) {
      findings.add(where, "pid", "unknown pid " + u32(event.getPid()) + " (not in header tasks)");
    }
    Forecast forecast = Type1Forecast.of(containers, event);
    if (!Outcomes.expectsFailure(event)) {
      check(where, event, forecast);
    }
    containers.apply(indexed.index(), event, forecast.errno(), 0);
  }

  private void check(String where, Type1Event event, Forecast forecast) {
    if (!forecast.ok() && reportable(event, forecast.reason())) {
      findings.add(
          where,
          forecast.field(),
          "type1 refuses this ("
              + forecast.errno()
              + "): "
              + forecast.reason().text()
              + "; set expect.errno if the failure is intended");
    }
    switch (event.getOpCase()) {
      case CONTAINEROPEN -> open(where, event.getContainerOpen().getContainer());
      case SETIOMMU -> requireOpen(where, "setIommu", event.getSetIommu().getContainer());
      case GROUPATTACH -> {
        requireOpen(where, "groupAttach", event.getGroupAttach().getContainer());
        if (event.getGroupAttach().getKind() == GroupKind.EMULATED) {
          emulatedGroups.add(event.getGroupAttach().getGroup());
        }
      }
      case GROUPDETACH -> requireOpen(where, "groupDetach", event.getGroupDetach().getContainer());
      case MAPDMA -> mapDma(where, event, event.getMapDma());
      case UNMAPDMA -> unmapDma(where, event.getUnmapDma());
      case PINPAGES ->
          pages(
              where,
              "pinPages",
              event.getPinPages().getGroup(),
              event.getPinPages().getIova(),
              event.getPinPages().getNpage());
      case UNPINPAGES ->
          pages(
              where,
              "unpinPages",
              event.getUnpinPages().getGroup(),
              event.getUnpinPages().getIova(),
              event.getUnpinPages().getNpage());
      case DMARW -> dmaRw(where, event.getDmaRw());
      case CONTAINERCLOSE -> close(where, event.getContainerClose().getContainer());
      case OP_NOT_SET -> throw new AssertionError("handled above");
    }
  }

  private void checkMemory(List<MemoryRegion> regions) {
    for (int i = 0; i < regions.size(); i++) {
      MemoryRegion region = regions.get(i);
      String field = "memory[" + i + "]";
      if (!pids.contains(region.getPid())) {
        findings.add(
            "header",
            field + ".pid",
            "unknown pid " + u32(region.getPid()) + " (not in header tasks)");
      }
      if (Long.remainderUnsigned(region.getVaddr(), pageSize) != 0) {
        findings.add("header", field + ".vaddr", hex(region.getVaddr()) + " is not page aligned");
      }
      if (region.getSize() == 0) {
        findings.add("header", field + ".size", "zero size");
      } else if (Long.remainderUnsigned(region.getSize(), pageSize) != 0) {
        findings.add("header", field + ".size", u64(region.getSize()) + " is not page aligned");
      }
      if (Ranges.wraps(region.getVaddr(), region.getSize())) {
        findings.add("header", field + ".size", "vaddr + size exceeds 2^64");
      }
    }
    checkOverlaps(regions);
  }

  /**
   * Sorted by (pid, vaddr), a region overlaps an earlier one of its pid exactly when it starts
   * before the furthest end seen so far; that region is the one reported.
   */
  private void checkOverlaps(List<MemoryRegion> regions) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < regions.size(); i++) {
      if (regions.get(i).getSize() != 0
          && !Ranges.wraps(regions.get(i).getVaddr(), regions.get(i).getSize())) {
        order.add(i);
      }
    }
    order.sort(
        Comparator.<Integer>comparingLong(i -> Integer.toUnsignedLong(regions.get(i).getPid()))
            .thenComparing(
                (a, b) ->
                    Long.compareUnsigned(regions.get(a).getVaddr(), regions.get(b).getVaddr()))
            .thenComparing(Comparator.naturalOrder()));
    int furthest = -1;
    for (int i : order) {
      MemoryRegion region = regions.get(i);
      if (furthest >= 0 && regions.get(furthest).getPid() == region.getPid()) {
        MemoryRegion previous = regions.get(furthest);
        long previousLast = previous.getVaddr() + previous.getSize() - 1;
        if (Long.compareUnsigned(region.getVaddr(), previousLast) <= 0) {
          findings.add(
              "header",
              "memory[" + i + "]",
              "overlaps memory[" + furthest + "] of pid " + u32(region.getPid()));
        }
        long last = region.getVaddr() + region.getSize() - 1;
        if (Long.compareUnsigned(last, previousLast) > 0) {
          furthest = i;
        }
      } else {
        furthest = i;
      }
    }
  }

  private void open(String where, int container) {
    if (openContainers.contains(container)) {
      findings.add(
          where, "containerOpen.container", "container " + u32(container) + " is already open");
      return;
    }
    openContainers.add(container);
    closedContainers.remove(container);
  }

  private void close(String where, int container) {
    if (requireOpen(where, "containerClose", container)) {
      openContainers.remove(container);
      closedContainers.add(container);
    }
  }

  private boolean requireOpen(String where, String op, int container) {
    if (openContainers.contains(container)) {
      return true;
    }
    String when =
        closedContainers.contains(container) ? "after containerClose" : "before containerOpen";
    findings.add(where, op + ".container", "container " + u32(container) + " used " + when);
    return false;
  }

  private void mapDma(String where, Type1Event event, MapDma map) {
    requireOpen(where, "mapDma", map.getContainer());
    if (map.getSize() == 0) {
      findings.add(where, "mapDma.size", "zero size");
      return;
    }
    if (Ranges.wraps(map.getIova(), map.getSize())) {
      findings.add(where, "mapDma.iova", "iova + size exceeds 2^64");
    }
    if (Ranges.wraps(map.getVaddr(), map.getSize())) {
      findings.add(where, "mapDma.vaddr", "vaddr + size exceeds 2^64");
    } else if (!backed(event.getPid(), map.getVaddr(), map.getSize())) {
      findings.add(
          where,
          "mapDma.vaddr",
          HumanFormat.range(map.getVaddr(), map.getVaddr() + map.getSize() - 1)
              + " is not in the memory of pid "
              + u32(event.getPid())
              + " (the map fails EFAULT)");
    }
  }

  private void unmapDma(String where, UnmapDma unmap) {
    requireOpen(where, "unmapDma", unmap.getContainer());
    if (unmap.getAll()) {
      return;
    }
    if (unmap.getSize() == 0) {
      findings.add(where, "unmapDma.size", "zero size");
    } else if (Ranges.wraps(unmap.getIova(), unmap.getSize())) {
      findings.add(where, "unmapDma.iova", "iova + size exceeds 2^64");
    }
  }

  private void pages(String where, String op, int group, long iova, int npage) {
    requireEmulated(where, op, group);
    if (npage == 0) {
      findings.add(where, op + ".npage", "zero npage");
    } else if (Ranges.wraps(iova, Integer.toUnsignedLong(npage) * pageSize)) {
      findings.add(where, op + ".iova", "iova + npage pages exceeds 2^64");
    }
  }

  private void dmaRw(String where, DmaRw rw) {
    requireEmulated(where, "dmaRw", rw.getGroup());
    if (rw.getLength() == 0) {
      findings.add(where, "dmaRw.length", "zero length");
    } else if (Ranges.wraps(rw.getIova(), rw.getLength())) {
      findings.add(where, "dmaRw.iova", "iova + length exceeds 2^64");
    }
  }

  private void requireEmulated(String where, String op, int group) {
    if (!emulatedGroups.contains(group)) {
      findings.add(where, op + ".group", "group " + u32(group) + " was never attached as EMULATED");
    }
  }

  /** Forecast failures that the checks below do not already report in their own words. */
  private boolean reportable(Type1Event event, Reason reason) {
    return switch (reason) {
      case CONTAINER_NOT_OPEN, ZERO_SIZE, WRAPS, RECORDED -> false;
      case GROUP_NOT_ATTACHED ->
          !(event.hasPinPages() && !emulatedGroups.contains(event.getPinPages().getGroup())
              || event.hasDmaRw() && !emulatedGroups.contains(event.getDmaRw().getGroup()));
      default -> true;
    };
  }

  /** Whether the pid's memory regions cover every byte of {@code [vaddr, vaddr + size)}. */
  private boolean backed(int pid, long vaddr, long size) {
    TreeMap<Long, MemoryRegion> regions = memoryByPid.get(pid);
    if (regions == null) {
      return false;
    }
    long next = vaddr;
    long last = vaddr + size - 1;
    while (true) {
      Map.Entry<Long, MemoryRegion> entry = regions.floorEntry(next);
      if (entry == null) {
        return false;
      }
      long regionLast = entry.getValue().getVaddr() + entry.getValue().getSize() - 1;
      if (Long.compareUnsigned(regionLast, next) < 0) {
        return false;
      }
      if (Long.compareUnsigned(regionLast, last) >= 0) {
        return true;
      }
      next = regionLast + 1;
    }
  }
}
