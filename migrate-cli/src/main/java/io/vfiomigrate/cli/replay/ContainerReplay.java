package io.vfiomigrate.cli.replay;

import io.vfiomigrate.api.DmaMapRequest;
import io.vfiomigrate.api.DmaUnmapRequest;
import io.vfiomigrate.api.Errno;
import io.vfiomigrate.api.IommuType;
import io.vfiomigrate.api.KernelBug;
import io.vfiomigrate.api.KernelException;
import io.vfiomigrate.api.Prot;
import io.vfiomigrate.api.TrackingMdevDriver;
import io.vfiomigrate.api.Type1Container;
import io.vfiomigrate.api.UnmapPolicy;
import io.vfiomigrate.api.VfioBackend;
import io.vfiomigrate.api.VfioBackendFactory;
import io.vfiomigrate.cli.shadow.Outcomes;
import io.vfiomigrate.host.Host;
import io.vfiomigrate.host.HostConfig;
import io.vfiomigrate.host.Task;
import io.vfiomigrate.proto.GroupAttach;
import io.vfiomigrate.proto.MapDma;
import io.vfiomigrate.proto.StepResult;
import io.vfiomigrate.proto.Type1Event;
import io.vfiomigrate.proto.UnmapDma;
import io.vfiomigrate.trace.IndexedEvent;
import io.vfiomigrate.trace.TraceFormatException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Replays a type1 trace through the compat-api container contract of one backend (type1-legacy, or
 * iommufd's vfio_compat adapter), on a host built from the trace header.
 *
 * <ul>
 *   <li>An event fails with the errno of the {@link KernelException} the backend throws; a failed
 *       unmap reports the size the kernel writes back despite the failure, else 0.
 *   <li>Emulated groups get a {@link TrackingMdevDriver} with the event's {@code onUnmap} policy;
 *       pinPages, unpinPages and dmaRw go through it and the group's device.
 *   <li>groupDetach of an emulated group and containerClose first release every pin its driver
 *       holds, as the VMM closes the mdev device first (close_device unpins).
 *   <li>pinPages and dmaRw on a group that is not attached (never, or its attach failed) fail
 *       EINVAL, like vfio_pin_pages on a device that is not open; unpinPages on it does nothing.
 *   <li>A {@link KernelBug} gives a step with errno {@code BUG} and ends the replay.
 * </ul>
 *
 * A pid missing from the header or a container id that is not open is a malformed trace.
 */
public final class ContainerReplay implements EventReplay {
  private final String file;
  private final VfioBackend backend;
  private final Host host;
  private final Map<Integer, Type1Container> containers = new HashMap<>();
  private final Map<Integer, EmulatedGroup> emulated = new HashMap<>();
  private @Nullable KernelBug bug;

  public ContainerReplay(VfioBackendFactory factory, HostConfig config, String file) {
    this.file = file;
    this.host = new Host(config);
    this.backend = factory.create(host);
  }

  @Override
  public String backend() {
    return backend.name();
  }

  @Override
  public Optional<KernelBug> bug() {
    return Optional.ofNullable(bug);
  }

  @Override
  public StepResult apply(IndexedEvent indexed) {
    if (bug != null) {
      throw new IllegalStateException("the replay stopped at a kernel BUG");
    }
    Type1Event event = indexed.event();
    Task task = task(indexed);
    String errno = Outcomes.OK;
    long unmapped = 0;
    try {
      unmapped = perform(indexed, task);
    } catch (KernelException e) {
      errno = e.errno().name();
      unmapped = e.partialResult().orElse(0);
    } catch (KernelBug e) {
      errno = Outcomes.BUG;
      bug = e;
    }
    return Snapshots.step(
        indexed.index(), OpNames.of(event), errno, unmapped, Snapshots.toProto(host.snapshot()));
  }

  private long perform(IndexedEvent indexed, Task task) {
    Type1Event event = indexed.event();
    switch (event.getOpCase()) {
      case CONTAINEROPEN -> {
        int id = event.getContainerOpen().getContainer();
        if (containers.containsKey(id)) {
          throw malformed(
              indexed, "containerOpen.container", "container " + id + " is already open");
        }
        containers.put(id, backend.openContainer(task));
      }
      case SETIOMMU ->
          container(indexed, "setIommu", event.getSetIommu().getContainer())
              .setIommu(task, iommuType(indexed));
      case GROUPATTACH -> attach(indexed, task, event.getGroupAttach());
      case GROUPDETACH -> {
        int id = event.getGroupDetach().getContainer();
        int group = event.getGroupDetach().getGroup();
        Type1Container container = container(indexed, "groupDetach", id);
        EmulatedGroup held = emulated.get(group);
        if (held != null && held.container() == id) {
          held.releasePins();
        }
        container.detachGroup(task, group);
        if (held != null && held.container() == id) {
          emulated.remove(group);
        }
      }
      case MAPDMA -> {
        MapDma map = event.getMapDma();
        container(indexed, "mapDma", map.getContainer())
            .mapDma(
                task,
                DmaMapRequest.of(
                    map.getVaddr(), map.getIova(), map.getSize(), map.getRead(), map.getWrite()));
      }
      case UNMAPDMA -> {
        UnmapDma unmap = event.getUnmapDma();
        // ALL keeps the trace's iova and size: type1 refuses ALL with either non-zero.
        DmaUnmapRequest request =
            unmap.getAll()
                ? new DmaUnmapRequest(
                    DmaUnmapRequest.STRUCT_SIZE,
                    DmaUnmapRequest.FLAG_ALL,
                    unmap.getIova(),
                    unmap.getSize())
                : DmaUnmapRequest.range(unmap.getIova(), unmap.getSize());
        return container(indexed, "unmapDma", unmap.getContainer()).unmapDma(task, request);
      }
      case PINPAGES -> {
        EmulatedGroup group = open(event.getPinPages().getGroup(), "vfio_pin_pages");
        group
            .driver()
            .pin(
                group.device(),
                event.getPinPages().getIova(),
                event.getPinPages().getNpage(),
                new Prot(event.getPinPages().getRead(), event.getPinPages().getWrite()));
      }
      case UNPINPAGES -> {
        EmulatedGroup group = emulated.get(event.getUnpinPages().getGroup());
        if (group != null) {
          group
              .driver()
              .unpin(
                  group.device(),
                  event.getUnpinPages().getIova(),
                  event.getUnpinPages().getNpage());
        }
      }
      case DMARW ->
          open(event.getDmaRw().getGroup(), "vfio_dma_rw")
              .device()
              .dmaRw(
                  event.getDmaRw().getIova(),
                  event.getDmaRw().getLength(),
                  event.getDmaRw().getWrite());
      case CONTAINERCLOSE -> {
        int id = event.getContainerClose().getContainer();
        Type1Container container = container(indexed, "containerClose", id);
        for (Iterator<EmulatedGroup> it = emulated.values().iterator(); it.hasNext(); ) {
          EmulatedGroup group = it.next();
          if (group.container() == id) {
            group.releasePins();
            it.remove();
          }
        }
        container.close();
        containers.remove(id);
      }
      case OP_NOT_SET -> throw malformed(indexed, "op", "no operation set");
    }
    return 0;
  }

  private void attach(IndexedEvent indexed, Task task, GroupAttach attach) {
    Type1Container container = container(indexed, "groupAttach", attach.getContainer());
    switch (attach.getKind()) {
      case IOMMU -> container.attachIommuGroup(task, attach.getGroup());
      case EMULATED -> {
        TrackingMdevDriver driver =
            new TrackingMdevDriver(
                attach.getOnUnmap() == io.vfiomigrate.proto.UnmapPolicy.IGNORE
                    ? UnmapPolicy.IGNORE
                    : UnmapPolicy.UNPIN,
                host.pageSize());
        emulated.put(
            attach.getGroup(),
            new EmulatedGroup(
                attach.getContainer(),
                container.attachEmulatedGroup(task, attach.getGroup(), driver),
                driver));
      }
      case GROUP_KIND_UNSPECIFIED, UNRECOGNIZED ->
          throw malformed(indexed, "groupAttach.kind", "no group kind (IOMMU or EMULATED)");
    }
  }

  private IommuType iommuType(IndexedEvent indexed) {
    return switch (indexed.event().getSetIommu().getType()) {
      case TYPE1 -> IommuType.TYPE1;
      case TYPE1V2 -> IommuType.TYPE1V2;
      case IOMMU_TYPE_UNSPECIFIED, UNRECOGNIZED ->
          throw malformed(indexed, "setIommu.type", "no IOMMU type (TYPE1 or TYPE1V2)");
    };
  }

  private Task task(IndexedEvent indexed) {
    int pid = indexed.event().getPid();
    try {
      return host.task(pid);
    } catch (IllegalArgumentException e) {
      throw malformed(
          indexed,
          "pid",
          "unknown pid " + Integer.toUnsignedString(pid) + " (not in header tasks)");
    }
  }

  private Type1Container container(IndexedEvent indexed, String op, int id) {
    Type1Container container = containers.get(id);
    if (container == null) {
      throw malformed(
          indexed, op + ".container", "container " + Integer.toUnsignedString(id) + " is not open");
    }
    return container;
  }

  private EmulatedGroup open(int group, String function) {
    EmulatedGroup held = emulated.get(group);
    if (held == null) {
      throw KernelException.of(
          Errno.EINVAL, "%s: the device of group %d is not open", function, group);
    }
    return held;
  }

  private TraceFormatException malformed(IndexedEvent indexed, String field, String detail) {
    return TraceFormatException.malformed(file, "event " + indexed.index(), field, detail);
  }
}
