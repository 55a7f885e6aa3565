package io.vfiomigrate.trace;

import com.google.common.collect.ImmutableList;
import com.google.protobuf.Message;
import io.vfiomigrate.proto.AccessAttach;
import io.vfiomigrate.proto.AccessCreate;
import io.vfiomigrate.proto.AccessDestroy;
import io.vfiomigrate.proto.AccessDetach;
import io.vfiomigrate.proto.AccessPin;
import io.vfiomigrate.proto.AccessRw;
import io.vfiomigrate.proto.AccessUnpin;
import io.vfiomigrate.proto.AccountMode;
import io.vfiomigrate.proto.AccountingSnapshot;
import io.vfiomigrate.proto.Backing;
import io.vfiomigrate.proto.ContainerClose;
import io.vfiomigrate.proto.ContainerOpen;
import io.vfiomigrate.proto.ConversionWarning;
import io.vfiomigrate.proto.DeviceAttach;
import io.vfiomigrate.proto.DeviceBind;
import io.vfiomigrate.proto.DeviceDetach;
import io.vfiomigrate.proto.DeviceUnbind;
import io.vfiomigrate.proto.DiffReport;
import io.vfiomigrate.proto.Divergence;
import io.vfiomigrate.proto.DmaRw;
import io.vfiomigrate.proto.Expect;
import io.vfiomigrate.proto.GroupAttach;
import io.vfiomigrate.proto.GroupDetach;
import io.vfiomigrate.proto.GroupKind;
import io.vfiomigrate.proto.IoasAlloc;
import io.vfiomigrate.proto.IoasCopy;
import io.vfiomigrate.proto.IoasMap;
import io.vfiomigrate.proto.IoasUnmap;
import io.vfiomigrate.proto.IommuConfig;
import io.vfiomigrate.proto.IommuOption;
import io.vfiomigrate.proto.IommuType;
import io.vfiomigrate.proto.IommufdClose;
import io.vfiomigrate.proto.IommufdOp;
import io.vfiomigrate.proto.IommufdOpen;
import io.vfiomigrate.proto.IommufdProgram;
import io.vfiomigrate.proto.MapDma;
import io.vfiomigrate.proto.MemoryRegion;
import io.vfiomigrate.proto.ObjectDestroy;
import io.vfiomigrate.proto.OptionId;
import io.vfiomigrate.proto.OptionOp;
import io.vfiomigrate.proto.PinPages;
import io.vfiomigrate.proto.ReplayResult;
import io.vfiomigrate.proto.SetIommu;
import io.vfiomigrate.proto.StepResult;
import io.vfiomigrate.proto.Task;
import io.vfiomigrate.proto.TaskAccounting;
import io.vfiomigrate.proto.TraceHeader;
import io.vfiomigrate.proto.Type1Event;
import io.vfiomigrate.proto.Type1Trace;
import io.vfiomigrate.proto.UnmapDma;
import io.vfiomigrate.proto.UnmapPolicy;
import io.vfiomigrate.proto.UnpinPages;
import io.vfiomigrate.proto.UserAccounting;

/** Populated instances of every message of the schemas, with 64-bit values above 2^63. */
final class Samples {
  /** The last page below 2^64: above Long.MAX_VALUE, so it is negative as a Java long. */
  static final long HIGH_IOVA = 0xFFFF_FFFF_FFFF_F000L;

  static final long U64_MAX = -1L;

  private Samples() {}

  static TraceHeader header() {
    return TraceHeader.newBuilder()
        .setFormatVersion(1)
        .setPageSize(4096)
        .setDescription("every message, \"quoted\", ünïcode")
        .setSource("synthetic")
        .setKernel("6.12")
        .addTasks(Task.newBuilder().setPid(100).setUid(1000).setMemlockLimit(64L << 20))
        .addTasks(
            Task.newBuilder()
                .setPid(0xFFFF_FFFF) // uint32 maximum, negative as a Java int
                .setUid(0)
                .setMemlockLimit(U64_MAX)
                .setMemlockUnlimited(true)
                .setCapIpcLock(true))
        .addMemory(region(100, 0x7f00_0000_0000L, 1L << 30, Backing.ANON, false))
        .addMemory(region(100, 0x7f80_0000_0000L, 2L << 20, Backing.THP, false))
        .addMemory(region(100, 0x7fc0_0000_0000L, 2L << 20, Backing.HUGETLB_2M, true))
        .addMemory(region(100, 0x7e00_0000_0000L, 1L << 30, Backing.HUGETLB_1G, false))
        .addMemory(region(100, 0x8000_0000_0000_0000L, 1L << 20, Backing.MMIO, false))
        .setIommu(
            IommuConfig.newBuilder()
                .setPgsizeBitmap(0x4020_1000L)
                .setApertureStart(0)
                .setApertureLast(U64_MAX)
                .setDmaEntryLimit(65535))
        .build();
  }

  static MemoryRegion region(int pid, long vaddr, long size, Backing backing, boolean readOnly) {
    return MemoryRegion.newBuilder()
        .setPid(pid)
        .setVaddr(vaddr)
        .setSize(size)
        .setBacking(backing)
        .setReadOnly(readOnly)
        .build();
  }

  /** One event per op of Type1Event, in field order, every field set. */
  static ImmutableList<Type1Event> events() {
    return ImmutableList.of(
        event().setContainerOpen(ContainerOpen.newBuilder().setContainer(1)).build(),
        event()
            .setSetIommu(SetIommu.newBuilder().setContainer(1).setType(IommuType.TYPE1V2))
            .build(),
        event()
            .setGroupAttach(
                GroupAttach.newBuilder()
                    .setContainer(1)
                    .setGroup(7)
                    .setKind(GroupKind.EMULATED)
                    .setOnUnmap(UnmapPolicy.IGNORE))
            .build(),
        event().setSetIommu(SetIommu.newBuilder().setContainer(2).setType(IommuType.TYPE1)).build(),
        event()
            .setGroupAttach(
                GroupAttach.newBuilder().setContainer(1).setGroup(8).setKind(GroupKind.IOMMU))
            .build(),
        event()
            .setMapDma(
                MapDma.newBuilder()
                    .setContainer(1)
                    .setVaddr(0x7f00_0000_0000L)
                    .setIova(HIGH_IOVA)
                    .setSize(4096)
                    .setRead(true)
                    .setWrite(true))
            .build(),
        event()
            .setPinPages(
                PinPages.newBuilder()
                    .setGroup(7)
                    .setIova(HIGH_IOVA)
                    .setNpage(1)
                    .setRead(true)
                    .setWrite(true))
            .build(),
        event()
            .setDmaRw(
                DmaRw.newBuilder().setGroup(7).setIova(HIGH_IOVA).setLength(4096).setWrite(true))
            .build(),
        event()
            .setUnpinPages(UnpinPages.newBuilder().setGroup(7).setIova(HIGH_IOVA).setNpage(1))
            .build(),
        event()
            .setUnmapDma(UnmapDma.newBuilder().setContainer(1).setIova(HIGH_IOVA).setSize(4096))
            .setExpect(Expect.newBuilder().setErrno("OK").setUnmapped(4096))
            .build(),
        event()
            .setUnmapDma(UnmapDma.newBuilder().setContainer(1).setAll(true))
            .setExpect(Expect.newBuilder().setErrno("EINVAL"))
            .build(),
        event().setGroupDetach(GroupDetach.newBuilder().setContainer(1).setGroup(7)).build(),
        event().setContainerClose(ContainerClose.newBuilder().setContainer(1)).build());
  }

  private static Type1Event.Builder event() {
    return Type1Event.newBuilder().setPid(100);
  }

  static Type1Trace trace() {
    return Type1Trace.newBuilder().setHeader(header()).addAllEvents(events()).build();
  }

  /** One op per op of IommufdOp, in field order, every field set. */
  static ImmutableList<IommufdOp> ops() {
    return ImmutableList.of(
        op(0)
            .setOpen(
                IommufdOpen.newBuilder()
                    .setCtx(1)
                    .setAccounting(AccountMode.ACCOUNT_MM)
                    .setVfioContainer(true))
            .build(),
        op(0)
            .setOpen(IommufdOpen.newBuilder().setCtx(2).setAccounting(AccountMode.ACCOUNT_USER))
            .build(),
        op(0).setIoasAlloc(IoasAlloc.newBuilder().setCtx(1).setIoas(3)).build(),
        op(1)
            .setOption(
                IommuOption.newBuilder()
                    .setCtx(1)
                    .setOption(OptionId.RLIMIT_MODE)
                    .setOp(OptionOp.OPTION_GET)
                    .setObjectId(0)
                    .setValue(1))
            .build(),
        op(1)
            .setOption(
                IommuOption.newBuilder()
                    .setCtx(1)
                    .setOption(OptionId.HUGE_PAGES)
                    .setObjectId(3)
                    .setValue(U64_MAX))
            .build(),
        op(2).setDeviceBind(DeviceBind.newBuilder().setCtx(1).setDevice(4).setGroup(8)).build(),
        op(2).setDeviceAttach(DeviceAttach.newBuilder().setCtx(1).setDevice(4).setIoas(3)).build(),
        op(3)
            .setAccessCreate(
                AccessCreate.newBuilder()
                    .setCtx(1)
                    .setAccess(5)
                    .setNeedsPinPages(true)
                    .setOnUnmap(UnmapPolicy.IGNORE)
                    .setGroup(7))
            .build(),
        op(3).setAccessAttach(AccessAttach.newBuilder().setCtx(1).setAccess(5).setIoas(3)).build(),
        op(4)
            .setIoasMap(
                IoasMap.newBuilder()
                    .setCtx(1)
                    .setIoas(3)
                    .setUserVa(0x7f00_0000_0000L)
                    .setIova(HIGH_IOVA)
                    .setLength(4096)
                    .setReadable(true)
                    .setWriteable(true)
                    .setFixedIova(true))
            .build(),
        op(4)
            .setIoasCopy(
                IoasCopy.newBuilder()
                    .setCtx(1)
                    .setDstIoas(6)
                    .setSrcIoas(3)
                    .setSrcIova(HIGH_IOVA)
                    .setDstIova(0x1000)
                    .setLength(4096)
                    .setReadable(true)
                    .setWriteable(true)
                    .setFixedIova(true))
            .build(),
        op(5)
            .setAccessPin(
                AccessPin.newBuilder()
                    .setCtx(1)
                    .setAccess(5)
                    .setIova(HIGH_IOVA)
                    .setLength(4096)
                    .setWrite(true))
            .build(),
        op(6)
            .setAccessRw(
                AccessRw.newBuilder()
                    .setCtx(1)
                    .setAccess(5)
                    .setIova(HIGH_IOVA)
                    .setLength(8)
                    .setWrite(true))
            .build(),
        op(7)
            .setAccessUnpin(
                AccessUnpin.newBuilder().setCtx(1).setAccess(5).setIova(HIGH_IOVA).setLength(4096))
            .build(),
        op(8)
            .setIoasUnmap(
                IoasUnmap.newBuilder().setCtx(1).setIoas(3).setIova(HIGH_IOVA).setLength(4096))
            .setExpect(Expect.newBuilder().setErrno("OK").setUnmapped(4096))
            .build(),
        op(9).setIoasUnmap(IoasUnmap.newBuilder().setCtx(1).setIoas(3).setAll(true)).build(),
        op(10).setDeviceDetach(DeviceDetach.newBuilder().setCtx(1).setDevice(4)).build(),
        op(10).setDeviceUnbind(DeviceUnbind.newBuilder().setCtx(1).setDevice(4)).build(),
        op(11).setAccessDetach(AccessDetach.newBuilder().setCtx(1).setAccess(5)).build(),
        op(11).setAccessDestroy(AccessDestroy.newBuilder().setCtx(1).setAccess(5)).build(),
        op(12).setDestroy(ObjectDestroy.newBuilder().setCtx(1).setObjectId(3)).build(),
        op(12).setClose(IommufdClose.newBuilder().setCtx(1)).build());
  }

  private static IommufdOp.Builder op(int sourceEvent) {
    return IommufdOp.newBuilder().setPid(100).setSourceEvent(sourceEvent);
  }

  static ImmutableList<ConversionWarning> warnings() {
    return ImmutableList.of(
        ConversionWarning.newBuilder()
            .setSourceEvent(9)
            .setCode("V1_PARTIAL_UNMAP")
            .setMessage("type1 v1 unmapped part of a mapping")
            .build(),
        ConversionWarning.newBuilder()
            .setSourceEvent(12)
            .setCode("IGNORED_PINS")
            .setMessage("pins kept")
            .build());
  }

  static IommufdProgram program() {
    return IommufdProgram.newBuilder()
        .setHeader(header())
        .addAllOps(ops())
        .addAllWarnings(warnings())
        .build();
  }

  static AccountingSnapshot snapshot() {
    return AccountingSnapshot.newBuilder()
        .addTasks(
            TaskAccounting.newBuilder().setPid(100).setLockedVmPages(1).setPinnedVmPages(U64_MAX))
        .addTasks(
            TaskAccounting.newBuilder().setPid(0xFFFF_FFFF).setLockedVmPages(0).setPinnedVmPages(0))
        .addUsers(UserAccounting.newBuilder().setUid(1000).setLockedVmPages(HIGH_IOVA))
        .addUsers(UserAccounting.newBuilder().setUid(0))
        .setPinnedPages(2)
        .setPinRefs(3)
        .build();
  }

  static ReplayResult replayResult() {
    return ReplayResult.newBuilder()
        .setBackend("type1")
        .addSteps(
            StepResult.newBuilder()
                .setIndex(0)
                .setOp("containerOpen")
                .setErrno("OK")
                .setAccounting(AccountingSnapshot.getDefaultInstance()))
        .addSteps(
            StepResult.newBuilder()
                .setIndex(9)
                .setOp("unmapDma")
                .setErrno("EINVAL")
                .setUnmapped(HIGH_IOVA)
                .setAccounting(snapshot()))
        .build();
  }

  static DiffReport diffReport() {
    return DiffReport.newBuilder()
        .setLeft("type1")
        .setRight("iommufd")
        .addDivergences(
            Divergence.newBuilder()
                .setStep(5)
                .setField("tasks[pid=100].lockedVmPages")
                .setLeft("1")
                .setRight("0")
                .setRule("USER_ACCOUNTING")
                .setExplanation("native iommufd charges user_struct, not mm"))
        .addDivergences(
            Divergence.newBuilder().setStep(6).setField("errno").setLeft("OK").setRight("EINVAL"))
        .build();
  }

  /** Every sample, each message type of the three schemas appearing in at least one. */
  static ImmutableList<Message> all() {
    return ImmutableList.<Message>builder()
        .add(trace(), program(), replayResult(), diffReport(), snapshot(), header())
        .addAll(events())
        .addAll(ops())
        .addAll(warnings())
        .build();
  }
}
