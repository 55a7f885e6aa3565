package io.vfiomigrate.contract;

import io.vfiomigrate.api.DmaMapRequest;
import io.vfiomigrate.api.DmaUnmapRequest;
import io.vfiomigrate.api.Errno;
import io.vfiomigrate.api.IommuType;
import io.vfiomigrate.api.KernelException;
import io.vfiomigrate.api.Prot;
import io.vfiomigrate.api.TrackingMdevDriver;
import io.vfiomigrate.api.Type1Container;
import io.vfiomigrate.api.UnmapPolicy;
import io.vfiomigrate.api.VfioBackend;
import io.vfiomigrate.api.VfioDevice;
import io.vfiomigrate.host.Backing;
import io.vfiomigrate.host.Host;
import io.vfiomigrate.host.HostConfig;
import io.vfiomigrate.host.IommuSpec;
import io.vfiomigrate.host.RegionSpec;
import io.vfiomigrate.host.Task;
import io.vfiomigrate.host.TaskSpec;
import io.vfiomigrate.proto.IommuConfig;
import io.vfiomigrate.proto.MemoryRegion;
import io.vfiomigrate.proto.TraceHeader;
import io.vfiomigrate.proto.Type1Event;
import io.vfiomigrate.trace.TraceReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Replays an oracle trace on one backend the way the oracle's harness drove the real kernel
 * ({@code src/test/resources/oracle/README.md}, "Harness quirks"), and records per event what
 * the harness recorded: the errno, the {@code unmapped} it printed and every task's
 * {@code VmLck}/{@code VmPin}. The backend's invariants are checked after every event.
 */
final class OracleReplay {
  /** What the harness printed for one event. */
  record Step(String errno, long unmapped, Map<Integer, BackendUnderTest.Vm> tasks) {}

  /** pin_probe refuses pins of more pages than this with EINVAL itself. */
  private static final long PIN_PROBE_MAX_PAGES = 1L << 20;

  /**
   * A group the harness holds (attached successfully): its container and, for an emulated
   * group, its device and pin_probe driver (null for an IOMMU group).
   */
  private record Held(int container, VfioDevice device, TrackingMdevDriver driver) {}

  private final Host host;
  private final VfioBackend backend;
  private final Map<Integer, Type1Container> containers = new HashMap<>();
  private final Map<Integer, Held> groups = new TreeMap<>();

  private OracleReplay(TraceHeader header, ContractBackend kind) {
    host = new Host(config(header));
    backend = kind.create(host);
  }

  static List<Step> run(Path trace, ContractBackend kind) {
    try (TraceReader reader = TraceReader.open(trace)) {
      OracleReplay replay = new OracleReplay(reader.header(), kind);
      List<Step> steps = new ArrayList<>();
      while (reader.hasNext()) {
        steps.add(replay.step(reader.next().event()));
      }
      return steps;
    }
  }

  private Step step(Type1Event event) {
    Task task = host.task(event.getPid());
    String errno = "OK";
    long unmapped = 0;
    try {
      unmapped = apply(event, task);
    } catch (KernelException e) {
      errno = e.errno().name();
      if (event.getOpCase() == Type1Event.OpCase.UNMAPDMA) {
        // Written back by the kernel, or else the struct's size as the harness sent it.
        unmapped = e.partialResult().orElse(event.getUnmapDma().getSize());
      }
    }
    backend.checkInvariants();
    Map<Integer, BackendUnderTest.Vm> tasks = new TreeMap<>();
    for (Task t : host.tasks()) {
      tasks.put(t.pid(), new BackendUnderTest.Vm(t.mm().lockedVm(), t.mm().pinnedVm()));
    }
    return new Step(errno, unmapped, tasks);
  }

  /** Runs one event; returns the unmapped size of a successful unmap, else 0. */
  private long apply(Type1Event event, Task task) {
    switch (event.getOpCase()) {
      case CONTAINEROPEN:
        containers.put(event.getContainerOpen().getContainer(), backend.openContainer(task));
        return 0;
      case SETIOMMU:
        containers.get(event.getSetIommu().getContainer()).setIommu(task,
            event.getSetIommu().getType() == io.vfiomigrate.proto.IommuType.TYPE1
                ? IommuType.TYPE1 : IommuType.TYPE1V2);
        return 0;
      case GROUPATTACH:
        attach(event, task);
        return 0;
      case GROUPDETACH:
        detach(event.getGroupDetach().getGroup(), task);
        return 0;
      case MAPDMA:
        var map = event.getMapDma();
        containers.get(map.getContainer()).mapDma(task, DmaMapRequest.of(map.getVaddr(),
            map.getIova(), map.getSize(), map.getRead(), map.getWrite()));
        return 0;
      case UNMAPDMA:
        var unmap = event.getUnmapDma();
        return containers.get(unmap.getContainer()).unmapDma(task, new DmaUnmapRequest(
            DmaUnmapRequest.STRUCT_SIZE, unmap.getAll() ? DmaUnmapRequest.FLAG_ALL : 0,
            unmap.getIova(), unmap.getSize()));
      case PINPAGES:
        var pin = event.getPinPages();
        Held held = held(pin.getGroup());
        if (Integer.toUnsignedLong(pin.getNpage()) > PIN_PROBE_MAX_PAGES) {
          throw KernelException.of(Errno.EINVAL, "pin_probe: %d pages",
              Integer.toUnsignedLong(pin.getNpage()));
        }
        held.driver().pin(held.device(), pin.getIova(), pin.getNpage(),
            new Prot(pin.getRead(), pin.getWrite()));
        return 0;
      case UNPINPAGES:
        var unpin = event.getUnpinPages();
        Held owner = groups.get(unpin.getGroup());
        // pin_probe releases only a record matching an earlier pin exactly; always "OK".
        if (owner != null && owner.driver() != null && owner.driver().pins().contains(
            new TrackingMdevDriver.Pin(unpin.getIova(), unpin.getNpage()))) {
          owner.driver().unpin(owner.device(), unpin.getIova(), unpin.getNpage());
        }
        return 0;
      case DMARW:
        var rw = event.getDmaRw();
        held(rw.getGroup()).device().dmaRw(rw.getIova(), rw.getLength(), rw.getWrite());
        return 0;
      case CONTAINERCLOSE:
        int id = event.getContainerClose().getContainer();
        for (int group : new ArrayList<>(groups.keySet())) {
          if (groups.get(group).container() == id) {
            closeDevice(groups.remove(group));
          }
        }
        containers.remove(id).close();
        return 0;
      default:
        throw new IllegalArgumentException("event without an operation: " + event);
    }
  }

  private void attach(Type1Event event, Task task) {
    var attach = event.getGroupAttach();
    Type1Container c = containers.get(attach.getContainer());
    if (attach.getKind() == io.vfiomigrate.proto.GroupKind.EMULATED) {
      TrackingMdevDriver driver = new TrackingMdevDriver(
          attach.getOnUnmap() == io.vfiomigrate.proto.UnmapPolicy.IGNORE
              ? UnmapPolicy.IGNORE : UnmapPolicy.UNPIN, host.pageSize());
      VfioDevice device = c.attachEmulatedGroup(task, attach.getGroup(), driver);
      groups.put(attach.getGroup(), new Held(attach.getContainer(), device, driver));
    } else {
      c.attachIommuGroup(task, attach.getGroup());
      groups.put(attach.getGroup(), new Held(attach.getContainer(), null, null));
    }
  }

  /** The harness closes the device first (pin_probe's close_device unpins), then unsets. */
  private void detach(int group, Task task) {
    Held held = groups.remove(group);
    if (held == null) {
      throw KernelException.of(Errno.EINVAL, "harness: group %d is not held", group);
    }
    closeDevice(held);
    containers.get(held.container()).detachGroup(task, group);
  }

  /** pin_probe's close_device: the driver releases every pin it holds. */
  private static void closeDevice(Held held) {
    if (held.driver() != null) {
      held.driver().pins().forEach(p -> held.driver().unpin(held.device(), p.iova(), p.npage()));
    }
  }

  private Held held(int group) {
    Held held = groups.get(group);
    if (held == null || held.device() == null) {
      throw KernelException.of(Errno.EINVAL, "harness: emulated group %d is not held", group);
    }
    return held;
  }

  /** The trace header as a host: the oracle's VT-d IOMMU, every group behind it. */
  private static HostConfig config(TraceHeader header) {
    IommuConfig iommu = header.getIommu();
    HostConfig.Builder b = HostConfig.builder().iommu(new IommuSpec("vtd",
        iommu.hasPgsizeBitmap() ? iommu.getPgsizeBitmap() : IommuSpec.DEFAULT_PGSIZE_BITMAP,
        iommu.getApertureStart(), iommu.hasApertureLast() ? iommu.getApertureLast() : -1L,
        List.of(IommuSpec.X86_MSI_WINDOW), true));
    if (iommu.hasDmaEntryLimit()) {
      b.dmaEntryLimit(iommu.getDmaEntryLimit());
    }
    for (io.vfiomigrate.proto.Task t : header.getTasksList()) {
      b.task(new TaskSpec(t.getPid(), t.getUid(), t.getMemlockLimit(), t.getMemlockUnlimited(),
          t.getCapIpcLock(), true));
    }
    for (MemoryRegion r : header.getMemoryList()) {
      b.region(new RegionSpec(r.getPid(), r.getVaddr(), r.getSize(),
          Backing.valueOf(r.getBacking().name()), r.getReadOnly()));
    }
    return b.build();
  }
}
