package io.vfiomigrate.cli.importer;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import io.vfiomigrate.proto.Backing;
import io.vfiomigrate.proto.MapDma;
import io.vfiomigrate.proto.MemoryRegion;
import io.vfiomigrate.proto.Type1Event;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Turns the recognised events of a log, in order, into the events of a type1 trace and the facts
 * its header needs. Each QEMU process (task) has its own legacy and iommufd state; container ids
 * and synthetic group numbers are unique across the trace. Finished events go to {@code sink} in
 * log order, a window behind the log ({@link RecentRequests}), so memory stays bounded.
 */
final class TraceAssembler {
  /** iommufd devices have no IOMMU group in the log; theirs are numbered from here. */
  static final int FIRST_SYNTHETIC_GROUP = 1_000_000;

  /**
   * The facts for the header, once the log is read.
   *
   * @param pids the tasks, in pid order
   * @param memlock RLIMIT_MEMLOCK in bytes per task, for the tasks that have an RLIMIT line
   * @param legacy whether the log had legacy backend events
   * @param iommufd whether the log had iommufd backend events
   */
  record Assembled(
      ImmutableList<Integer> pids,
      ImmutableMap<Integer, Long> memlock,
      ImmutableList<MemoryRegion> memory,
      boolean legacy,
      boolean iommufd,
      ImmutableMap<String, Long> notes) {}

  private record Process(LegacyBackend legacy, IommufdBackend iommufd) {}

  private final Consumer<Type1Event> sink;
  private final RecentRequests recent;
  private final TraceEmitter emitter;
  private final MemoryInference memory;
  private final ImportNotes notes = new ImportNotes();
  private final Map<Integer, Process> processes = new TreeMap<>(Integer::compareUnsigned);
  private final Map<Integer, Long> memlock = new TreeMap<>(Integer::compareUnsigned);
  private int nextSyntheticGroup = FIRST_SYNTHETIC_GROUP;
  private boolean legacySeen;
  private boolean iommufdSeen;

  TraceAssembler(Backing backing, Consumer<Type1Event> sink) {
    this.sink = requireNonNull(sink, "sink is null");
    this.memory = new MemoryInference(backing);
    this.recent = new RecentRequests(this::retire);
    this.emitter = new TraceEmitter(recent);
  }

  /**
   * Applies one recognised event of task {@code pid}.
   *
   * @return why it was not applied, if it was not
   */
  Optional<String> accept(int pid, LogEvent event) {
    Process process = process(pid);
    if (event instanceof LogEvent.NoDmaMap noDmaMap) {
      return recent.retractNewestMap(noDmaMap.iova(), noDmaMap.size());
    }
    if (event instanceof LogEvent.RequestFailed failed) {
      Optional<String> ignored =
          recent.failByAddress(failed.map(), failed.iova(), failed.size(), failed.errno());
      if (ignored.isEmpty() && failed.setupGroup() != null) {
        return process.legacy().setupFailed(failed.setupGroup());
      }
      return ignored;
    }
    if (event instanceof LogEvent.LastRequestFailed failed) {
      return recent.failNewest(failed.map(), failed.errno(), failed.byNumber(), failed.pciBar());
    }
    if (event instanceof LogEvent.MemlockExceeded exceeded) {
      memlockExceeded(
          exceeded.pid() != null && processes.containsKey(exceeded.pid()) ? exceeded.pid() : pid,
          exceeded.bytes());
      return Optional.empty();
    }
    if (event instanceof LogEvent.Iommufd iommufd) {
      iommufdSeen = true;
      return process.iommufd().accept(iommufd);
    }
    if (event instanceof LogEvent.Legacy legacy) {
      legacySeen = true;
      return process.legacy().accept(legacy);
    }
    throw new AssertionError("unhandled event " + event);
  }

  /** The end of the log: completes what QEMU left in progress and flushes every event. */
  Assembled finish() {
    processes.values().forEach(process -> process.legacy().finish());
    recent.flush();
    return new Assembled(
        ImmutableList.copyOf(processes.keySet()),
        ImmutableMap.copyOf(memlock),
        memory.build(),
        legacySeen,
        iommufdSeen,
        notes.counts());
  }

  private void memlockExceeded(int pid, long bytes) {
    process(pid);
    Long first = memlock.putIfAbsent(pid, bytes);
    if (first != null && first != bytes) {
      notes.add("RLIMIT_MEMLOCK lines disagree (the limit changed): the first one is used");
    }
  }

  private void retire(PendingEvent pending) {
    Type1Event event = pending.event().build();
    if (event.hasMapDma()) {
      MapDma map = event.getMapDma();
      memory.add(event.getPid(), map.getVaddr(), map.getSize(), pending.mmio());
    }
    if (pending.outcome() == Outcome.FAILED && event.getExpect().getErrno().isEmpty()) {
      notes.add("iommufd requests that failed with no error line naming the errno: no expect");
    }
    sink.accept(event);
  }

  private Process process(int pid) {
    return processes.computeIfAbsent(
        pid,
        unused ->
            new Process(
                new LegacyBackend(pid, emitter, notes),
                new IommufdBackend(pid, emitter, notes, () -> nextSyntheticGroup++)));
  }
}
