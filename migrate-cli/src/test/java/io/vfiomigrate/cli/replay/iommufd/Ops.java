package io.vfiomigrate.cli.replay.iommufd;

import io.vfiomigrate.proto.AccessAttach;
import io.vfiomigrate.proto.AccessCreate;
import io.vfiomigrate.proto.AccessDestroy;
import io.vfiomigrate.proto.AccessDetach;
import io.vfiomigrate.proto.AccessPin;
import io.vfiomigrate.proto.AccessRw;
import io.vfiomigrate.proto.AccessUnpin;
import io.vfiomigrate.proto.AccountMode;
import io.vfiomigrate.proto.DeviceAttach;
import io.vfiomigrate.proto.DeviceBind;
import io.vfiomigrate.proto.DeviceDetach;
import io.vfiomigrate.proto.DeviceUnbind;
import io.vfiomigrate.proto.IoasAlloc;
import io.vfiomigrate.proto.IoasCopy;
import io.vfiomigrate.proto.IoasMap;
import io.vfiomigrate.proto.IoasUnmap;
import io.vfiomigrate.proto.IommuOption;
import io.vfiomigrate.proto.IommufdClose;
import io.vfiomigrate.proto.IommufdOp;
import io.vfiomigrate.proto.IommufdOpen;
import io.vfiomigrate.proto.ObjectDestroy;
import io.vfiomigrate.proto.OptionId;
import io.vfiomigrate.proto.OptionOp;
import io.vfiomigrate.proto.UnmapPolicy;

/** Terse builders of the ops of context 1 (IOAS 1) for the replayer's tests; pid 100 unless set. */
final class Ops {
  static final int PID = 100;

  private Ops() {}

  static IommufdOp open(AccountMode mode, boolean vfioContainer) {
    return op(
        IommufdOp.newBuilder()
            .setOpen(
                IommufdOpen.newBuilder()
                    .setCtx(1)
                    .setAccounting(mode)
                    .setVfioContainer(vfioContainer)));
  }

  static IommufdOp open() {
    return open(AccountMode.ACCOUNT_USER, false);
  }

  static IommufdOp alloc(int ioas) {
    return op(IommufdOp.newBuilder().setIoasAlloc(IoasAlloc.newBuilder().setCtx(1).setIoas(ioas)));
  }

  /** A read-write map of {@code pages} pages of the task's memory at a fixed IOVA. */
  static IommufdOp map(int ioas, long userVa, long iova, long pages) {
    return map(ioas, userVa, iova, pages * 4096, true, true);
  }

  static IommufdOp map(
      int ioas, long userVa, long iova, long length, boolean readable, boolean writeable) {
    return op(
        IommufdOp.newBuilder()
            .setIoasMap(
                IoasMap.newBuilder()
                    .setCtx(1)
                    .setIoas(ioas)
                    .setUserVa(userVa)
                    .setIova(iova)
                    .setLength(length)
                    .setReadable(readable)
                    .setWriteable(writeable)
                    .setFixedIova(true)));
  }

  static IommufdOp unmap(int ioas, long iova, long length) {
    return op(
        IommufdOp.newBuilder()
            .setIoasUnmap(
                IoasUnmap.newBuilder().setCtx(1).setIoas(ioas).setIova(iova).setLength(length)));
  }

  static IommufdOp unmapAll(int ioas) {
    return op(
        IommufdOp.newBuilder()
            .setIoasUnmap(
                IoasUnmap.newBuilder().setCtx(1).setIoas(ioas).setAll(true).setLength(-1L)));
  }

  static IommufdOp copy(int dst, int src, long srcIova, long dstIova, long length) {
    return op(
        IommufdOp.newBuilder()
            .setIoasCopy(
                IoasCopy.newBuilder()
                    .setCtx(1)
                    .setDstIoas(dst)
                    .setSrcIoas(src)
                    .setSrcIova(srcIova)
                    .setDstIova(dstIova)
                    .setLength(length)
                    .setReadable(true)
                    .setWriteable(true)
                    .setFixedIova(true)));
  }

  static IommufdOp option(OptionId id, OptionOp op, int object, long value) {
    return op(
        IommufdOp.newBuilder()
            .setOption(
                IommuOption.newBuilder()
                    .setCtx(1)
                    .setOption(id)
                    .setOp(op)
                    .setObjectId(object)
                    .setValue(value)));
  }

  static IommufdOp destroy(int ioas) {
    return op(
        IommufdOp.newBuilder().setDestroy(ObjectDestroy.newBuilder().setCtx(1).setObjectId(ioas)));
  }

  static IommufdOp bind(int device, int group) {
    return op(
        IommufdOp.newBuilder()
            .setDeviceBind(DeviceBind.newBuilder().setCtx(1).setDevice(device).setGroup(group)));
  }

  static IommufdOp attach(int device, int ioas) {
    return op(
        IommufdOp.newBuilder()
            .setDeviceAttach(DeviceAttach.newBuilder().setCtx(1).setDevice(device).setIoas(ioas)));
  }

  static IommufdOp detach(int device) {
    return op(
        IommufdOp.newBuilder()
            .setDeviceDetach(DeviceDetach.newBuilder().setCtx(1).setDevice(device)));
  }

  static IommufdOp unbind(int device) {
    return op(
        IommufdOp.newBuilder()
            .setDeviceUnbind(DeviceUnbind.newBuilder().setCtx(1).setDevice(device)));
  }

  static IommufdOp accessCreate(int access, int group, UnmapPolicy policy) {
    return op(
        IommufdOp.newBuilder()
            .setAccessCreate(
                AccessCreate.newBuilder()
                    .setCtx(1)
                    .setAccess(access)
                    .setNeedsPinPages(true)
                    .setOnUnmap(policy)
                    .setGroup(group)));
  }

  static IommufdOp accessAttach(int access, int ioas) {
    return op(
        IommufdOp.newBuilder()
            .setAccessAttach(AccessAttach.newBuilder().setCtx(1).setAccess(access).setIoas(ioas)));
  }

  static IommufdOp accessDetach(int access) {
    return op(
        IommufdOp.newBuilder()
            .setAccessDetach(AccessDetach.newBuilder().setCtx(1).setAccess(access)));
  }

  static IommufdOp pin(int access, long iova, long length, boolean write) {
    return op(
        IommufdOp.newBuilder()
            .setAccessPin(
                AccessPin.newBuilder()
                    .setCtx(1)
                    .setAccess(access)
                    .setIova(iova)
                    .setLength(length)
                    .setWrite(write)));
  }

  static IommufdOp unpin(int access, long iova, long length) {
    return op(
        IommufdOp.newBuilder()
            .setAccessUnpin(
                AccessUnpin.newBuilder()
                    .setCtx(1)
                    .setAccess(access)
                    .setIova(iova)
                    .setLength(length)));
  }

  static IommufdOp rw(int access, long iova, long length, boolean write) {
    return op(
        IommufdOp.newBuilder()
            .setAccessRw(
                AccessRw.newBuilder()
                    .setCtx(1)
                    .setAccess(access)
                    .setIova(iova)
                    .setLength(length)
                    .setWrite(write)));
  }

  static IommufdOp accessDestroy(int access) {
    return op(
        IommufdOp.newBuilder()
            .setAccessDestroy(AccessDestroy.newBuilder().setCtx(1).setAccess(access)));
  }

  static IommufdOp close() {
    return op(IommufdOp.newBuilder().setClose(IommufdClose.newBuilder().setCtx(1)));
  }

  /** {@code op} as another task. */
  static IommufdOp as(int pid, IommufdOp op) {
    return op.toBuilder().setPid(pid).build();
  }

  /** {@code op} as part of the source event {@code sourceEvent}. */
  static IommufdOp event(int sourceEvent, IommufdOp op) {
    return op.toBuilder().setSourceEvent(sourceEvent).build();
  }

  /** {@code op} on context {@code ctx} instead of 1. */
  static IommufdOp onContext(int ctx, IommufdOp op) {
    IommufdOp.Builder builder = op.toBuilder();
    builder.getAllFields().keySet().stream()
        .filter(field -> field.getContainingOneof() != null)
        .forEach(
            field -> {
              com.google.protobuf.Message.Builder inner = builder.getFieldBuilder(field);
              inner.setField(inner.getDescriptorForType().findFieldByName("ctx"), ctx);
            });
    return builder.build();
  }

  private static IommufdOp op(IommufdOp.Builder op) {
    return op.setPid(PID).build();
  }
}
