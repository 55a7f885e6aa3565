package io.vfiomigrate.cli.importer;

import static java.util.Objects.requireNonNull;

import io.vfiomigrate.api.Errno;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.IntSupplier;

/**
 * Turns one QEMU process's iommufd events into their type1 equivalents, so that the trace replays
 * what the iommufd backend really asked for and records what the kernel answered:
 *
 * <ul>
 *   <li>an IOAS is a container (containerOpen when allocated, setIommu TYPE1V2 with its first
 *       device, containerClose when destroyed); an HWPT stands for the IOAS below it;
 *   <li>a cdev device attached to an IOAS is a group: the log has no group numbers, so each device
 *       name gets a synthetic one ({@code groupNumbers}) and a kind from its name;
 *   <li>{@code IOMMU_IOAS_MAP} is mapDma; {@code IOMMU_IOAS_MAP_FILE} too, at a synthetic host
 *       address ({@link SyntheticAddresses}); {@code IOMMU_IOAS_UNMAP} is unmapDma, and the
 *       whole-space unmap of QEMU 10.2 is unmapDma with {@code all};
 *   <li>every request carries iommufd's outcome as {@code expect}: OK for a return of 0 (with
 *       {@code unmapped}: the mappings the log made inside the range), ENOENT for an unmap of
 *       nothing ({@code …_non_exist}: QEMU treats it as success, the kernel did not), and for -1
 *       the errno of the error line that follows, if any.
 * </ul>
 *
 * <p>Objects the log never allocated (tracing started late) are created when first used.
 */
final class IommufdBackend {
  private record ObjectKey(int iommufd, int id) {}

  private record Device(int group, Container container) {}

  private final int pid;
  private final TraceEmitter emitter;
  private final ImportNotes notes;
  private final IntSupplier groupNumbers;
  private final Map<ObjectKey, Container> ioas = new HashMap<>();
  private final Map<ObjectKey, ObjectKey> hwptParent = new HashMap<>();
  private final Map<String, Integer> groupByDevice = new HashMap<>();
  private final Map<String, Device> attached = new HashMap<>();
  private final Map<Integer, Integer> fileSlots = new HashMap<>();

  IommufdBackend(int pid, TraceEmitter emitter, ImportNotes notes, IntSupplier groupNumbers) {
    this.pid = pid;
    this.emitter = requireNonNull(emitter, "emitter is null");
    this.notes = requireNonNull(notes, "notes is null");
    this.groupNumbers = requireNonNull(groupNumbers, "groupNumbers is null");
  }

  /**
   * @return why the event was not applied, if it was not
   */
  Optional<String> accept(LogEvent.Iommufd event) {
    if (event instanceof LogEvent.IoasAlloc alloc) {
      if (!alloc.ok()) {
        return Optional.of("the allocation failed");
      }
      ioas(new ObjectKey(alloc.iommufd(), alloc.ioas()));
      return Optional.empty();
    }
    if (event instanceof LogEvent.HwptAlloc alloc) {
      if (!alloc.ok()) {
        return Optional.of("the allocation failed");
      }
      hwptParent.put(
          new ObjectKey(alloc.iommufd(), alloc.hwpt()),
          new ObjectKey(alloc.iommufd(), alloc.parent()));
      return Optional.empty();
    }
    if (event instanceof LogEvent.IoasMap map) {
      emitter.map(
          ioas(new ObjectKey(map.iommufd(), map.ioas())),
          map.vaddr(),
          map.iova(),
          map.size(),
          !map.readonly(),
          outcome(map.ok()));
      return Optional.empty();
    }
    if (event instanceof LogEvent.IoasMapFile map) {
      return mapFile(map);
    }
    if (event instanceof LogEvent.IoasUnmap unmap) {
      unmap(unmap);
      return Optional.empty();
    }
    if (event instanceof LogEvent.IdFreed freed) {
      return free(freed);
    }
    if (event instanceof LogEvent.CdevAttach attach) {
      return attach(attach);
    }
    if (event instanceof LogEvent.CdevDetach detach) {
      Device device = attached.remove(detach.device());
      if (device == null) {
        return Optional.of("device " + detach.device() + " is not attached");
      }
      emitter.detach(device.container(), device.group());
      return Optional.empty();
    }
    throw new AssertionError("unhandled iommufd event " + event);
  }

  private Optional<String> mapFile(LogEvent.IoasMapFile map) {
    int slot = fileSlots.computeIfAbsent(map.fd(), unused -> fileSlots.size());
    OptionalLong vaddr = SyntheticAddresses.file(slot, map.start(), map.size());
    if (vaddr.isEmpty()) {
      return Optional.of("the file range has no synthetic host address");
    }
    notes.add("iommufd file maps name no host address: given synthetic ones above 2^62");
    emitter.map(
        ioas(new ObjectKey(map.iommufd(), map.ioas())),
        vaddr.getAsLong(),
        map.iova(),
        map.size(),
        !map.readonly(),
        outcome(map.ok()));
    return Optional.empty();
  }

  private void unmap(LogEvent.IoasUnmap unmap) {
    Container container = ioas(new ObjectKey(unmap.iommufd(), unmap.ioas()));
    if (unmap.nonexistent()) {
      emitter.unmap(container, unmap.iova(), unmap.size(), Outcome.FAILED).fail(Errno.ENOENT, true);
    } else if (unmap.iova() == 0 && unmap.size() == -1L) {
      emitter.unmapAll(container, outcome(unmap.ok()));
    } else {
      emitter.unmap(container, unmap.iova(), unmap.size(), outcome(unmap.ok()));
    }
  }

  private Optional<String> free(LogEvent.IdFreed freed) {
    if (!freed.ok()) {
      return Optional.of("IOMMU_DESTROY failed");
    }
    ObjectKey key = new ObjectKey(freed.iommufd(), freed.id());
    Container container = ioas.remove(key);
    if (container != null) {
      emitter.close(container);
      return Optional.empty();
    }
    return hwptParent.remove(key) != null
        ? Optional.empty()
        : Optional.of("id " + Integer.toUnsignedString(freed.id()) + " was never allocated");
  }

  private Optional<String> attach(LogEvent.CdevAttach attach) {
    if (attached.containsKey(attach.device())) {
      return Optional.of("device " + attach.device() + " is attached already");
    }
    Container container = ioas(ioasOf(new ObjectKey(attach.iommufd(), attach.id())));
    int group = groupByDevice.computeIfAbsent(attach.device(), unused -> groupNumbers.getAsInt());
    emitter.attach(container, group, DeviceKinds.kindOf(attach.device()));
    attached.put(attach.device(), new Device(group, container));
    return Optional.empty();
  }

  /** Follows HWPTs down to their IOAS; an id never allocated is taken for an IOAS. */
  private ObjectKey ioasOf(ObjectKey key) {
    ObjectKey current = key;
    for (int depth = 0; depth <= hwptParent.size(); depth++) {
      ObjectKey parent = hwptParent.get(current);
      if (parent == null) {
        return current;
      }
      current = parent;
    }
    return current;
  }

  private Container ioas(ObjectKey key) {
    return ioas.computeIfAbsent(key, unused -> emitter.openContainer(pid));
  }

  private static Outcome outcome(boolean ok) {
    return ok ? Outcome.SUCCEEDED : Outcome.FAILED;
  }
}
