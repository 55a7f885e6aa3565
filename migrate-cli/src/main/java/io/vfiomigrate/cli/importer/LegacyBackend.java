package io.vfiomigrate.cli.importer;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.Lists;
import io.vfiomigrate.proto.GroupKind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Turns one QEMU process's legacy (type1) listener and device events into type1 events.
 *
 * <p>The log never names a container: QEMU opens one per address space and the listener events of
 * all of them look alike. The rules, in QEMU's terms:
 *
 * <ul>
 *   <li>The first device attach opens container 1 (containerOpen, groupAttach, setIommu TYPE1V2:
 *       QEMU sets the IOMMU type once the container has a group).
 *   <li>A later attach either joins an existing container (same address space: nothing else is
 *       logged) or opens a new one, whose listener registration then replays every section of its
 *       address space. So the attach is decided by the next listener event: a vIOMMU region, or a
 *       RAM section some container already maps, is that replay (new container); anything else
 *       means the device joined the newest container.
 *   <li>A RAM section goes to the first container (in opening order) that does not hold its range
 *       yet: QEMU calls the listeners in registration order, each adding the same section. A
 *       removal goes to the newest container that holds the range, preferring one being torn down:
 *       QEMU calls region_del in reverse order, and a container whose setup fails removes its
 *       sections before the error is printed. A section stays held when its map fails, as QEMU's
 *       listener keeps it.
 *   <li>vIOMMU notifies go to the containers with a vIOMMU region, by the same rules; their host
 *       address is synthetic ({@link SyntheticAddresses}).
 *   <li>A detach that leaves a container empty is completed (groupDetach, containerClose) after the
 *       unmaps of QEMU's listener teardown, at the next line that is not part of it.
 * </ul>
 *
 * <p>A log with listener events but no attach line gets one container holding a stand-in IOMMU
 * group 0, so that the maps are replayable.
 */
final class LegacyBackend {
  /** The stand-in group when the log shows maps but no device. */
  static final int UNKNOWN_GROUP = 0;

  private final int pid;
  private final TraceEmitter emitter;
  private final ImportNotes notes;
  private final List<Container> containers = new ArrayList<>();
  private final Map<Integer, Container> containerByGroup = new HashMap<>();
  private final List<Integer> releasing = new ArrayList<>();
  private LogEvent.@Nullable DeviceAttach undecided;

  LegacyBackend(int pid, TraceEmitter emitter, ImportNotes notes) {
    this.pid = pid;
    this.emitter = requireNonNull(emitter, "emitter is null");
    this.notes = requireNonNull(notes, "notes is null");
  }

  /**
   * @return why the event was not applied, if it was not
   */
  Optional<String> accept(LogEvent.Legacy event) {
    if (event instanceof LogEvent.DeviceAttach attach) {
      return attach(attach);
    }
    if (event instanceof LogEvent.RamAdd add) {
      return ramAdd(add);
    }
    if (event instanceof LogEvent.RegionDel del) {
      return regionDel(del);
    }
    if (event instanceof LogEvent.IommuRegionAdd) {
      iommuRegionAdd();
      return Optional.empty();
    }
    if (event instanceof LogEvent.IommuNotify notify) {
      return notify.map() ? iommuMap(notify) : iommuUnmap(notify);
    }
    if (event instanceof LogEvent.DeviceDetach detach) {
      return detach(detach.group());
    }
    if (event instanceof LogEvent.LegacyClose) {
      completeReleases();
      return Optional.empty();
    }
    if (event instanceof LogEvent.RegionSkip || event instanceof LogEvent.IommuRegionDel) {
      // No VFIO action: the skip maps nothing; the vIOMMU removal's unmap has its own line.
      return Optional.empty();
    }
    throw new AssertionError("unhandled legacy event " + event);
  }

  /** The container setup for {@code group} failed: QEMU has torn it down already. */
  Optional<String> setupFailed(int group) {
    Optional<String> ignored = detach(group);
    completeReleases();
    return ignored;
  }

  /** The end of the log: decides a pending attach and completes the detaches in progress. */
  void finish() {
    decideAsJoined();
    completeReleases();
  }

  private Optional<String> attach(LogEvent.DeviceAttach attach) {
    completeReleases();
    decideAsJoined();
    if (containerByGroup.containsKey(attach.group())) {
      // Another device of a group already in a container: nothing changes in the kernel.
      return Optional.empty();
    }
    if (containers.isEmpty()) {
      openFor(attach.group(), DeviceKinds.kindOf(attach.device()));
    } else {
      undecided = attach;
    }
    return Optional.empty();
  }

  private Optional<String> ramAdd(LogEvent.RamAdd add) {
    completeReleases();
    Container target;
    if (undecided != null && anyMaps(add.iova(), add.last())) {
      target = openForUndecided();
    } else {
      decideAsJoined();
      target = firstOr(containers, c -> !c.live().overlaps(add.iova(), add.last()), this::newest);
    }
    emitter.map(
        target, add.vaddr(), add.iova(), add.last() - add.iova() + 1, true, Outcome.UNREPORTED);
    return Optional.empty();
  }

  private Optional<String> regionDel(LogEvent.RegionDel del) {
    decideAsJoined();
    if (containers.isEmpty()) {
      return Optional.of("no container is open");
    }
    Predicate<Container> holds = c -> c.live().overlaps(del.iova(), del.last());
    Container target =
        firstOr(
            releasingContainers(),
            holds,
            () -> firstOr(Lists.reverse(containers), holds, this::newest));
    unmap(target, del.iova(), del.last());
    return Optional.empty();
  }

  private void iommuRegionAdd() {
    completeReleases();
    if (undecided != null) {
      openForUndecided().markViommu();
      return;
    }
    newest().markViommu();
  }

  private Optional<String> iommuMap(LogEvent.IommuNotify notify) {
    completeReleases();
    decideAsJoined();
    long size = notify.last() - notify.iova() + 1;
    OptionalLong vaddr = SyntheticAddresses.viommu(notify.iova(), size);
    if (vaddr.isEmpty()) {
      return Optional.of("a vIOMMU range above 2^63 has no synthetic host address");
    }
    List<Container> viommu = viommuContainers();
    Container target =
        firstOr(
            viommu,
            c -> !c.live().overlaps(notify.iova(), notify.last()),
            () -> viommu.isEmpty() ? newest() : viommu.get(viommu.size() - 1));
    notes.add("vIOMMU maps name no host address: given synthetic ones above 2^63");
    emitter.map(target, vaddr.getAsLong(), notify.iova(), size, true, Outcome.UNREPORTED);
    return Optional.empty();
  }

  private Optional<String> iommuUnmap(LogEvent.IommuNotify notify) {
    decideAsJoined();
    if (containers.isEmpty()) {
      return Optional.of("no container is open");
    }
    List<Container> viommu = viommuContainers();
    List<Container> candidates = viommu.isEmpty() ? containers : viommu;
    Container target =
        firstOr(
            candidates,
            c -> c.live().overlaps(notify.iova(), notify.last()),
            () -> candidates.get(candidates.size() - 1));
    unmap(target, notify.iova(), notify.last());
    return Optional.empty();
  }

  private Optional<String> detach(int group) {
    decideAsJoined();
    Container container = containerByGroup.get(group);
    if (container == null || releasing.contains(group)) {
      return Optional.of("group " + Integer.toUnsignedString(group) + " is not attached");
    }
    if (container.groups().size() > 1) {
      release(group);
    } else {
      releasing.add(group);
    }
    return Optional.empty();
  }

  /** The last group's detach is over: QEMU unset the container and closed it. */
  private void completeReleases() {
    for (int group : releasing) {
      Container container = containerByGroup.get(group);
      release(group);
      if (container.groups().isEmpty()) {
        emitter.close(container);
        containers.remove(container);
      }
    }
    releasing.clear();
  }

  private void release(int group) {
    emitter.detach(containerByGroup.remove(group), group);
  }

  private List<Container> releasingContainers() {
    List<Container> result = new ArrayList<>();
    for (int group : releasing) {
      result.add(containerByGroup.get(group));
    }
    return result;
  }

  private void unmap(Container target, long iova, long last) {
    if (iova == 0 && last == -1L) {
      emitter.unmapAll(target, Outcome.UNREPORTED);
    } else {
      emitter.unmap(target, iova, last - iova + 1, Outcome.UNREPORTED);
    }
  }

  private boolean anyMaps(long iova, long last) {
    return containers.stream().anyMatch(c -> c.live().overlaps(iova, last));
  }

  private List<Container> viommuContainers() {
    return containers.stream().filter(Container::viommu).toList();
  }

  /** The attach waiting for a decision joined the newest container: it logged no replay. */
  private void decideAsJoined() {
    if (undecided != null) {
      Container newest = containers.get(containers.size() - 1);
      emitter.attach(newest, undecided.group(), DeviceKinds.kindOf(undecided.device()));
      containerByGroup.put(undecided.group(), newest);
      undecided = null;
    }
  }

  private Container openForUndecided() {
    LogEvent.DeviceAttach attach = requireNonNull(undecided);
    undecided = null;
    return openFor(attach.group(), DeviceKinds.kindOf(attach.device()));
  }

  private Container openFor(int group, GroupKind kind) {
    Container container = emitter.openContainer(pid);
    emitter.attach(container, group, kind);
    containers.add(container);
    containerByGroup.put(group, container);
    return container;
  }

  /** The newest container; a stand-in one if the log has shown no device yet. */
  private Container newest() {
    if (containers.isEmpty()) {
      notes.add("maps before any device attach line: a stand-in container with IOMMU group 0");
      return openFor(UNKNOWN_GROUP, GroupKind.IOMMU);
    }
    return containers.get(containers.size() - 1);
  }

  private static Container firstOr(
      List<Container> candidates, Predicate<Container> test, Supplier<Container> fallback) {
    return candidates.stream().filter(test).findFirst().orElseGet(fallback);
  }
}
