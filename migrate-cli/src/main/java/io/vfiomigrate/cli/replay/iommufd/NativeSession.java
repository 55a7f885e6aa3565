package io.vfiomigrate.cli.replay.iommufd;

import io.vfiomigrate.api.Errno;
import io.vfiomigrate.api.KernelException;
import io.vfiomigrate.cli.replay.MalformedOpException;
import io.vfiomigrate.cli.replay.ProgramSession;
import io.vfiomigrate.host.Host;
import io.vfiomigrate.host.Task;
import io.vfiomigrate.iommufd.context.IommufdContext;
import io.vfiomigrate.iommufd.ioas.IommuOption;
import io.vfiomigrate.proto.AccessAttach;
import io.vfiomigrate.proto.AccessCreate;
import io.vfiomigrate.proto.AccessPin;
import io.vfiomigrate.proto.AccessRw;
import io.vfiomigrate.proto.AccessUnpin;
import io.vfiomigrate.proto.AccountMode;
import io.vfiomigrate.proto.DeviceAttach;
import io.vfiomigrate.proto.DeviceBind;
import io.vfiomigrate.proto.IommufdOp;
import io.vfiomigrate.proto.IommufdOpen;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntSupplier;
import org.jspecify.annotations.Nullable;

/**
 * One replay of an iommufd program on the iommufd-core model ({@link IommufdContext}, one per
 * {@code open}), following {@link ProgramSession}'s conventions:
 *
 * <ul>
 *   <li>ioctls on the iommufd file (ioasAlloc, ioasMap, ioasUnmap, ioasCopy, option, destroy,
 *       deviceBind, deviceAttach, deviceDetach, deviceUnbind, accessCreate, close) fail EBADF on a
 *       context that is not open. The access ops after accessCreate are calls of the emulated
 *       device's driver, not ioctls: on an access that does not exist (whatever the context) or is
 *       not attached, accessPin and accessRw fail EINVAL like {@code vfio_pin_pages} on a device
 *       that is not open, accessAttach, accessDetach and accessDestroy fail EINVAL, and accessUnpin
 *       does nothing.
 *   <li>A group's device is opened once on the host: binding or creating an access for a group
 *       whose device is open (in any context) fails EINVAL, as {@code vfio_df_open} refuses a
 *       second open of a device through its cdev. The ops of one source event are one action of the
 *       VMM: when deviceAttach (accessAttach) fails on the device (access) an earlier op of the
 *       same event opened, the VMM closes it again, so nothing of the failed attach stays open;
 *       detaching and releasing it later does nothing, attaching or pinning fails EINVAL.
 *   <li>open with an accounting mode other than the file's default (USER for {@code /dev/iommu}, MM
 *       for the iommufd {@code /dev/vfio/vfio}) sets it with {@code IOMMU_OPTION_RLIMIT_MODE} as
 *       the op's task, which needs CAP_SYS_RESOURCE (EPERM, and nothing stays open).
 *   <li>close releases everything the context holds; pins an IGNORE driver kept stay pinned and
 *       charged, as the kernel leaks them, and stay counted for {@link #checkInvariants}.
 * </ul>
 */
public final class NativeSession implements ProgramSession {
  private final Host host;
  private final Map<Integer, ProgramContext> contexts = new HashMap<>();

  /** Groups whose device is bound or has an access, in any context. */
  private final Set<Integer> openGroups = new HashSet<>();

  /** Contexts closed with pages a driver kept pinned. */
  private final List<IommufdContext> leaked = new ArrayList<>();

  /**
   * The device or access the last deviceBind or accessCreate opened and its source event, until the
   * next attach.
   */
  private @Nullable Opened opened;

  /** A device (or access) {@code id} of context {@code ctx} opened for {@code sourceEvent}. */
  private record Opened(int ctx, int id, int sourceEvent) {}

  NativeSession(Host host) {
    this.host = host;
  }

  @Override
  public long apply(IommufdOp op) {
    Task task = task(op.getPid());
    switch (op.getOpCase()) {
      case OPEN -> open(task, op.getOpen());
      case IOASALLOC -> context(op.getIoasAlloc().getCtx()).ioasAlloc(op.getIoasAlloc().getIoas());
      case IOASMAP -> context(op.getIoasMap().getCtx()).ioasMap(task, op.getIoasMap());
      case IOASUNMAP -> {
        return context(op.getIoasUnmap().getCtx()).ioasUnmap(op.getIoasUnmap());
      }
      case IOASCOPY -> context(op.getIoasCopy().getCtx()).ioasCopy(op.getIoasCopy());
      case OPTION -> context(op.getOption().getCtx()).option(task, option(op.getOption()));
      case DESTROY -> context(op.getDestroy().getCtx()).destroy(op.getDestroy().getObjectId());
      case DEVICEBIND -> {
        DeviceBind bind = op.getDeviceBind();
        ProgramContext ctx = context(bind.getCtx());
        openDevice(bind.getGroup(), () -> ctx.deviceBind(bind.getDevice(), bind.getGroup()));
        opened = new Opened(bind.getCtx(), bind.getDevice(), op.getSourceEvent());
      }
      case DEVICEATTACH -> {
        DeviceAttach attach = op.getDeviceAttach();
        ProgramContext ctx = context(attach.getCtx());
        attachOrClose(
            op,
            attach.getCtx(),
            attach.getDevice(),
            () -> ctx.deviceAttach(attach.getDevice(), attach.getIoas()),
            () -> ctx.closeDevice(attach.getDevice()));
      }
      case DEVICEDETACH ->
          context(op.getDeviceDetach().getCtx()).deviceDetach(op.getDeviceDetach().getDevice());
      case DEVICEUNBIND ->
          context(op.getDeviceUnbind().getCtx())
              .deviceUnbind(op.getDeviceUnbind().getDevice())
              .ifPresent(openGroups::remove);
      case ACCESSCREATE -> {
        AccessCreate create = op.getAccessCreate();
        ProgramContext ctx = context(create.getCtx());
        openDevice(create.getGroup(), () -> ctx.accessCreate(create));
        opened = new Opened(create.getCtx(), create.getAccess(), op.getSourceEvent());
      }
      case ACCESSATTACH -> {
        AccessAttach attach = op.getAccessAttach();
        ProgramContext ctx = accessContext(attach.getCtx());
        attachOrClose(
            op,
            attach.getCtx(),
            attach.getAccess(),
            () -> ctx.accessAttach(attach.getAccess(), attach.getIoas()),
            () -> ctx.closeAccess(attach.getAccess()));
      }
      case ACCESSDETACH ->
          accessContext(op.getAccessDetach().getCtx())
              .accessDetach(op.getAccessDetach().getAccess());
      case ACCESSPIN -> {
        AccessPin pin = op.getAccessPin();
        access(pin.getCtx(), pin.getAccess()).pin(pin.getIova(), pin.getLength(), pin.getWrite());
      }
      case ACCESSUNPIN -> {
        AccessUnpin unpin = op.getAccessUnpin();
        ProgramContext ctx = contexts.get(unpin.getCtx());
        ProgramAccess access = ctx == null ? null : ctx.accessOrNull(unpin.getAccess());
        if (access != null) {
          access.unpin(unpin.getIova(), unpin.getLength());
        }
      }
      case ACCESSRW -> {
        AccessRw rw = op.getAccessRw();
        access(rw.getCtx(), rw.getAccess()).rw(rw.getIova(), rw.getLength(), rw.getWrite(), task);
      }
      case ACCESSDESTROY ->
          accessContext(op.getAccessDestroy().getCtx())
              .accessDestroy(op.getAccessDestroy().getAccess())
              .ifPresent(openGroups::remove);
      case CLOSE -> close(op.getClose().getCtx());
      case OP_NOT_SET -> throw new MalformedOpException("op", "no operation set");
    }
    return 0;
  }

  /**
   * Checks the model's invariants over every context of the replay, closed ones that leaked
   * included: each context's own (spec F.4, F.5) and the host's counters and pin references against
   * the pages of all of them (F.6, F.7, B.4). Nothing else may pin on the host.
   *
   * @throws IllegalStateException naming the first broken invariant
   */
  public void checkInvariants() {
    List<IommufdContext> all = new ArrayList<>(leaked);
    for (ProgramContext ctx : contexts.values()) {
      ctx.ictx().checkInvariants();
      all.add(ctx.ictx());
    }
    IommufdContext.checkAccounting(host, all);
  }

  private void open(Task task, IommufdOpen open) {
    if (contexts.containsKey(open.getCtx())) {
      throw new MalformedOpException(
          "open.ctx", "context " + Integer.toUnsignedString(open.getCtx()) + " is already open");
    }
    IommufdContext ictx =
        open.getVfioContainer()
            ? IommufdContext.openVfioContainer(host)
            : IommufdContext.open(host);
    AccountMode fileDefault =
        open.getVfioContainer() ? AccountMode.ACCOUNT_MM : AccountMode.ACCOUNT_USER;
    AccountMode wanted = open.getAccounting();
    if (wanted != AccountMode.ACCOUNT_MODE_UNSPECIFIED && wanted != fileDefault) {
      long value = wanted == AccountMode.ACCOUNT_MM ? 1 : 0;
      try {
        ictx.option(task, IommuOption.set(IommuOption.RLIMIT_MODE, 0, value));
      } catch (KernelException e) {
        ictx.close();
        throw e;
      }
    }
    contexts.put(open.getCtx(), new ProgramContext(open.getCtx(), ictx));
  }

  private void close(int id) {
    ProgramContext ctx = context(id);
    contexts.remove(id);
    ctx.ictx().close();
    ctx.openGroups().forEach(openGroups::remove);
    if (ctx.ictx().hasLeaks()) {
      leaked.add(ctx.ictx());
    }
  }

  /**
   * Attaches device or access {@code id}; if that is the first attach since the same source event
   * opened it and it fails, the VMM closes it again ({@code close}, which returns its group), as
   * QEMU closes the device file when {@code VFIO_DEVICE_ATTACH_IOMMUFD_PT} fails.
   */
  private void attachOrClose(IommufdOp op, int ctx, int id, Runnable attach, IntSupplier close) {
    boolean justOpened = new Opened(ctx, id, op.getSourceEvent()).equals(opened);
    opened = null;
    try {
      attach.run();
    } catch (KernelException e) {
      if (justOpened) {
        openGroups.remove(close.getAsInt());
      }
      throw e;
    }
  }

  /** Opens the device of {@code group} with {@code open}; a failed open leaves it closed. */
  private void openDevice(int group, Runnable open) {
    if (!openGroups.add(group)) {
      throw KernelException.of(
          Errno.EINVAL, "vfio_df_open: the device of group %d is already open", group);
    }
    try {
      open.run();
    } catch (RuntimeException e) {
      openGroups.remove(group);
      throw e;
    }
  }

  /** The open context {@code id}; EBADF otherwise. */
  private ProgramContext context(int id) {
    ProgramContext ctx = contexts.get(id);
    if (ctx == null) {
      throw KernelException.of(
          Errno.EBADF, "iommufd context %s is not open", Integer.toUnsignedString(id));
    }
    return ctx;
  }

  /** The context of a driver call on an access; EINVAL if not open (the device is not open). */
  private ProgramContext accessContext(int id) {
    ProgramContext ctx = contexts.get(id);
    if (ctx == null) {
      throw KernelException.of(
          Errno.EINVAL,
          "context %s is not open: none of its devices is open",
          Integer.toUnsignedString(id));
    }
    return ctx;
  }

  private ProgramAccess access(int ctx, int access) {
    return accessContext(ctx).access(access);
  }

  private Task task(int pid) {
    try {
      return host.task(pid);
    } catch (IllegalArgumentException e) {
      throw new MalformedOpException(
          "pid", "unknown pid " + Integer.toUnsignedString(pid) + " (not in header tasks)");
    }
  }

  private static IommuOption option(io.vfiomigrate.proto.IommuOption option) {
    int id =
        switch (option.getOption()) {
          case RLIMIT_MODE -> IommuOption.RLIMIT_MODE;
          case HUGE_PAGES -> IommuOption.HUGE_PAGES;
          case OPTION_ID_UNSPECIFIED, UNRECOGNIZED ->
              throw new MalformedOpException(
                  "option.option", "no option (RLIMIT_MODE, HUGE_PAGES)");
        };
    int op =
        switch (option.getOp()) {
          case OPTION_SET -> IommuOption.OP_SET;
          case OPTION_GET -> IommuOption.OP_GET;
          case UNRECOGNIZED -> throw new MalformedOpException("option.op", "unknown option op");
        };
    return new IommuOption(id, op, option.getObjectId(), option.getValue());
  }
}
