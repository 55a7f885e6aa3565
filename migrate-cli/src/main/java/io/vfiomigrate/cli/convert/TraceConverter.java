package io.vfiomigrate.cli.convert;

import static io.vfiomigrate.cli.HumanFormat.hex;
import static io.vfiomigrate.cli.HumanFormat.range;

import io.vfiomigrate.cli.convert.ContextObjects.GroupObject;
import io.vfiomigrate.cli.shadow.ContainerShadows;
import io.vfiomigrate.cli.shadow.ContainerState;
import io.vfiomigrate.cli.shadow.DriverPin;
import io.vfiomigrate.cli.shadow.Mapping;
import io.vfiomigrate.cli.shadow.Ranges;
import io.vfiomigrate.cli.shadow.Semantics;
import io.vfiomigrate.cli.shadow.Type1Forecast;
import io.vfiomigrate.cli.shadow.Unmaps;
import io.vfiomigrate.proto.AccessAttach;
import io.vfiomigrate.proto.AccessCreate;
import io.vfiomigrate.proto.AccessDestroy;
import io.vfiomigrate.proto.AccessPin;
import io.vfiomigrate.proto.AccessRw;
import io.vfiomigrate.proto.AccessUnpin;
import io.vfiomigrate.proto.AccountMode;
import io.vfiomigrate.proto.ConversionWarning;
import io.vfiomigrate.proto.DeviceAttach;
import io.vfiomigrate.proto.DeviceBind;
import io.vfiomigrate.proto.DeviceDetach;
import io.vfiomigrate.proto.DeviceUnbind;
import io.vfiomigrate.proto.GroupAttach;
import io.vfiomigrate.proto.GroupKind;
import io.vfiomigrate.proto.IoasAlloc;
import io.vfiomigrate.proto.IoasMap;
import io.vfiomigrate.proto.IoasUnmap;
import io.vfiomigrate.proto.IommuOption;
import io.vfiomigrate.proto.IommuType;
import io.vfiomigrate.proto.IommufdClose;
import io.vfiomigrate.proto.IommufdOp;
import io.vfiomigrate.proto.IommufdOpen;
import io.vfiomigrate.proto.OptionId;
import io.vfiomigrate.proto.OptionOp;
import io.vfiomigrate.proto.TraceHeader;
import io.vfiomigrate.proto.Type1Event;
import io.vfiomigrate.proto.UnmapDma;
import io.vfiomigrate.trace.IndexedEvent;
import io.vfiomigrate.trace.TraceHeaders;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a type1 trace into an iommufd program, one event at a time, as a VMM ported from the type1
 * container to {@code /dev/iommu} would issue it: one iommufd context and IOAS per container, a
 * bound and attached device per IOMMU group, an access per emulated group. The full mapping is in
 * {@code docs/cli.md}.
 *
 * <p>To translate what native iommufd does differently (TYPE1 v1 unmaps, unmaps of nothing) the
 * converter tracks the mappings the trace means to create: every event is assumed to have the
 * outcome {@link Type1Forecast} gives (the recorded {@code expect}, else type1's structural checks,
 * else success). Memory use grows with the live mappings and pins, not with the trace.
 */
public final class TraceConverter {
  private static final long U64_MAX = -1L;

  private final Accounting accounting;
  private final long pageSize;
  private final ContainerShadows intended;
  private final Map<Integer, ContextObjects> contexts = new HashMap<>();

  /** The access of each attached emulated group, for the driver's pins, unpins and reads. */
  private final Map<Integer, Access> accesses = new HashMap<>();

  /** An emulated group's access: its context and id (both 0 when the group has none). */
  private record Access(int ctx, int id) {
    static final Access NONE = new Access(0, 0);
  }

  public TraceConverter(TraceHeader header, Accounting accounting) {
    this.accounting = accounting;
    this.pageSize = TraceHeaders.pageSize(header);
    this.intended = new ContainerShadows(Semantics.TYPE1, pageSize);
  }

  /** The ops and warnings of {@code indexed}; call once per event, in trace order. */
  public Conversion convert(IndexedEvent indexed) {
    Type1Event event = indexed.event();
    // sourceEvent is a uint32, as event indexes of a file are.
    Emitter out = new Emitter(event.getPid(), (int) indexed.index());
    switch (event.getOpCase()) {
      case CONTAINEROPEN -> open(out, event.getContainerOpen().getContainer());
      case SETIOMMU -> {
        if (event.getSetIommu().getType() == IommuType.TYPE1) {
          out.warn(
              WarningCode.V1_CONTAINER,
              "container "
                  + event.getSetIommu().getContainer()
                  + " selects TYPE1 (v1): native iommufd has no v1; partial unmaps are translated"
                  + " and mdev pins are allowed");
        }
      }
      case GROUPATTACH -> attach(out, event.getGroupAttach());
      case GROUPDETACH ->
          detach(out, event.getGroupDetach().getContainer(), event.getGroupDetach().getGroup());
      case MAPDMA ->
          out.op(
              IommufdOp.newBuilder()
                  .setIoasMap(
                      IoasMap.newBuilder()
                          .setCtx(event.getMapDma().getContainer())
                          .setIoas(ioas(event.getMapDma().getContainer()))
                          .setUserVa(event.getMapDma().getVaddr())
                          .setIova(event.getMapDma().getIova())
                          .setLength(event.getMapDma().getSize())
                          .setReadable(event.getMapDma().getRead())
                          .setWriteable(event.getMapDma().getWrite())
                          .setFixedIova(true)));
      case UNMAPDMA -> unmap(out, event.getUnmapDma());
      case PINPAGES -> {
        Access access = access(out, event.getPinPages().getGroup());
        out.op(
            IommufdOp.newBuilder()
                .setAccessPin(
                    AccessPin.newBuilder()
                        .setCtx(access.ctx())
                        .setAccess(access.id())
                        .setIova(alignDown(event.getPinPages().getIova()))
                        .setLength(pinLength(event.getPinPages().getNpage()))
                        .setWrite(event.getPinPages().getWrite())));
      }
      case UNPINPAGES -> {
        Access access = access(out, event.getUnpinPages().getGroup());
        out.op(
            unpinOp(
                access.ctx(),
                access.id(),
                event.getUnpinPages().getIova(),
                event.getUnpinPages().getNpage()));
      }
      case DMARW -> {
        Access access = access(out, event.getDmaRw().getGroup());
        out.op(
            IommufdOp.newBuilder()
                .setAccessRw(
                    AccessRw.newBuilder()
                        .setCtx(access.ctx())
                        .setAccess(access.id())
                        .setIova(event.getDmaRw().getIova())
                        .setLength(event.getDmaRw().getLength())
                        .setWrite(event.getDmaRw().getWrite())));
      }
      case CONTAINERCLOSE -> close(out, event.getContainerClose().getContainer());
      case OP_NOT_SET -> {
        // Nothing to do; validate reports the event.
      }
    }
    intended.apply(indexed.index(), event, Type1Forecast.of(intended, event).errno(), 0);
    return new Conversion(out.ops, out.warnings);
  }

  private void open(Emitter out, int container) {
    contexts.put(container, new ContextObjects());
    out.op(
        IommufdOp.newBuilder()
            .setOpen(
                IommufdOpen.newBuilder()
                    .setCtx(container)
                    .setAccounting(AccountMode.ACCOUNT_USER)));
    if (accounting == Accounting.MM) {
      // Must come before the context holds any object (iommufd_option_rlimit_mode: EBUSY).
      out.op(
          IommufdOp.newBuilder()
              .setOption(
                  IommuOption.newBuilder()
                      .setCtx(container)
                      .setOption(OptionId.RLIMIT_MODE)
                      .setOp(OptionOp.OPTION_SET)
                      .setValue(1)));
    }
    out.op(
        IommufdOp.newBuilder()
            .setIoasAlloc(IoasAlloc.newBuilder().setCtx(container).setIoas(ioas(container))));
  }

  private void attach(Emitter out, GroupAttach attach) {
    int ctx = attach.getContainer();
    ContextObjects objects = contexts.computeIfAbsent(ctx, id -> new ContextObjects());
    GroupObject object = objects.attach(attach.getGroup(), attach.getKind());
    if (attach.getKind() == GroupKind.EMULATED) {
      accesses.put(attach.getGroup(), new Access(ctx, object.id()));
      out.op(
          IommufdOp.newBuilder()
              .setAccessCreate(
                  AccessCreate.newBuilder()
                      .setCtx(ctx)
                      .setAccess(object.id())
                      .setNeedsPinPages(true)
                      .setOnUnmap(attach.getOnUnmap())
                      .setGroup(attach.getGroup())));
      out.op(
          IommufdOp.newBuilder()
              .setAccessAttach(
                  AccessAttach.newBuilder()
                      .setCtx(ctx)
                      .setAccess(object.id())
                      .setIoas(objects.ioas())));
      return;
    }
    out.op(
        IommufdOp.newBuilder()
            .setDeviceBind(
                DeviceBind.newBuilder()
                    .setCtx(ctx)
                    .setDevice(object.id())
                    .setGroup(attach.getGroup())));
    out.op(
        IommufdOp.newBuilder()
            .setDeviceAttach(
                DeviceAttach.newBuilder()
                    .setCtx(ctx)
                    .setDevice(object.id())
                    .setIoas(objects.ioas())));
  }

  private void detach(Emitter out, int ctx, int group) {
    ContextObjects objects = contexts.get(ctx);
    GroupObject object = objects == null ? null : objects.detach(group);
    if (object == null) {
      out.warn(
          WarningCode.UNKNOWN_GROUP,
          "group " + group + " is not attached to container " + ctx + ": nothing to detach");
      return;
    }
    accesses.remove(group);
    release(out, ctx, group, object);
  }

  /**
   * What closing the device's file does: the mdev driver unpins all (close_device), then unbind.
   */
  private void release(Emitter out, int ctx, int group, GroupObject object) {
    if (object.kind() == GroupKind.EMULATED) {
      ContainerState container = intended.containerOfGroup(group);
      List<DriverPin> pins = container == null ? List.of() : container.pins(group);
      for (DriverPin pin : pins) {
        out.op(unpinOp(ctx, object.id(), pin.iova(), pin.npage()));
      }
      out.op(
          IommufdOp.newBuilder()
              .setAccessDestroy(AccessDestroy.newBuilder().setCtx(ctx).setAccess(object.id())));
      return;
    }
    out.op(
        IommufdOp.newBuilder()
            .setDeviceDetach(DeviceDetach.newBuilder().setCtx(ctx).setDevice(object.id())));
    out.op(
        IommufdOp.newBuilder()
            .setDeviceUnbind(DeviceUnbind.newBuilder().setCtx(ctx).setDevice(object.id())));
  }

  private void close(Emitter out, int ctx) {
    ContextObjects objects = contexts.remove(ctx);
    if (objects != null) {
      for (Map.Entry<Integer, GroupObject> entry : objects.groups().entrySet()) {
        accesses.remove(entry.getKey());
        release(out, ctx, entry.getKey(), entry.getValue());
      }
    }
    out.op(IommufdOp.newBuilder().setClose(IommufdClose.newBuilder().setCtx(ctx)));
  }

  private void unmap(Emitter out, UnmapDma unmap) {
    int ctx = unmap.getContainer();
    IoasUnmap.Builder op = IoasUnmap.newBuilder().setCtx(ctx).setIoas(ioas(ctx));
    if (unmap.getAll()) {
      if (unmap.getIova() != 0 || unmap.getSize() != 0) {
        out.warn(
            WarningCode.UNMAP_ALL_WITH_RANGE,
            "unmap ALL with iova "
                + hex(unmap.getIova())
                + " size "
                + hex(unmap.getSize())
                + ": type1 refuses it (EINVAL) and unmaps nothing; dropped");
        return;
      }
      out.op(IommufdOp.newBuilder().setIoasUnmap(op.setAll(true).setIova(0).setLength(U64_MAX)));
      return;
    }
    op.setIova(unmap.getIova()).setLength(unmap.getSize());
    ContainerState container = intended.container(ctx);
    if (container == null || !validRange(unmap)) {
      // Argument errors fail natively too (each its own way); nothing to translate.
      out.op(IommufdOp.newBuilder().setIoasUnmap(op));
      return;
    }
    long first = unmap.getIova();
    long last = first + unmap.getSize() - 1;
    List<Mapping> intersecting = container.intersecting(first, last);
    if (intersecting.isEmpty()) {
      out.warn(
          WarningCode.EMPTY_UNMAP,
          "unmap of "
              + range(first, last)
              + " where nothing is mapped: type1 returns 0, IOAS_UNMAP fails ENOENT");
      out.op(IommufdOp.newBuilder().setIoasUnmap(op));
      return;
    }
    if (!container.isV1() || Unmaps.coversWholeMappings(container, first, last)) {
      out.op(IommufdOp.newBuilder().setIoasUnmap(op));
      return;
    }
    List<Mapping> removed = Unmaps.removedByType1V1(container, first, last);
    if (removed.isEmpty()) {
      Mapping around = intersecting.get(0);
      out.warn(
          WarningCode.V1_PARTIAL_UNMAP,
          "v1 unmap of "
              + range(first, last)
              + " starts inside the mapping "
              + range(around.iova(), around.last())
              + ": type1 unmaps nothing and returns 0; converted to nothing");
      return;
    }
    long end = removed.get(removed.size() - 1).last();
    out.warn(
        WarningCode.V1_PARTIAL_UNMAP,
        "v1 unmap of "
            + range(first, last)
            + " covers the start of the mapping "
            + range(removed.get(removed.size() - 1).iova(), end)
            + ": type1 removes it whole; converted to an unmap of "
            + range(first, end));
    out.op(IommufdOp.newBuilder().setIoasUnmap(op.setLength(end - first + 1)));
  }

  /** Arguments type1 accepts: non-zero, page aligned, not wrapping. */
  private boolean validRange(UnmapDma unmap) {
    return unmap.getSize() != 0
        && Long.remainderUnsigned(unmap.getIova(), pageSize) == 0
        && Long.remainderUnsigned(unmap.getSize(), pageSize) == 0
        && !Ranges.wraps(unmap.getIova(), unmap.getSize());
  }

  private IommufdOp.Builder unpinOp(int ctx, int access, long iova, int npage) {
    return IommufdOp.newBuilder()
        .setAccessUnpin(
            AccessUnpin.newBuilder()
                .setCtx(ctx)
                .setAccess(access)
                .setIova(alignDown(iova))
                .setLength(pinLength(npage)));
  }

  private int ioas(int ctx) {
    ContextObjects objects = contexts.get(ctx);
    return objects == null ? 1 : objects.ioas();
  }

  private Access access(Emitter out, int group) {
    Access access = accesses.get(group);
    if (access == null) {
      out.warn(
          WarningCode.UNKNOWN_GROUP,
          "group " + group + " is not an attached emulated group: its access is unknown");
      return Access.NONE;
    }
    return access;
  }

  /** vfio_pin_pages on iommufd: ALIGN_DOWN(iova, PAGE_SIZE), npage * PAGE_SIZE. */
  private long alignDown(long iova) {
    return iova - Long.remainderUnsigned(iova, pageSize);
  }

  private long pinLength(int npage) {
    return Integer.toUnsignedLong(npage) * pageSize;
  }

  /** Collects one event's ops and warnings, stamping each with the event's pid and index. */
  private static final class Emitter {
    private final int pid;
    private final int sourceEvent;
    private final List<IommufdOp> ops = new ArrayList<>(2);
    private final List<ConversionWarning> warnings = new ArrayList<>(0);

    Emitter(int pid, int sourceEvent) {
      this.pid = pid;
      this.sourceEvent = sourceEvent;
    }

    void op(IommufdOp.Builder op) {
      ops.add(op.setPid(pid).setSourceEvent(sourceEvent).build());
    }

    void warn(WarningCode code, String message) {
      warnings.add(
          ConversionWarning.newBuilder()
              .setSourceEvent(sourceEvent)
              .setCode(code.name())
              .setMessage(message)
              .build());
    }
  }
}
