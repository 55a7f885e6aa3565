package io.vfiomigrate.cli.replay.iommufd;

import io.vfiomigrate.api.Errno;
import io.vfiomigrate.api.KernelException;
import io.vfiomigrate.api.UnmapPolicy;
import io.vfiomigrate.cli.replay.MalformedOpException;
import io.vfiomigrate.host.Task;
import io.vfiomigrate.iommufd.context.IommufdContext;
import io.vfiomigrate.iommufd.ioas.IoasCopyRequest;
import io.vfiomigrate.iommufd.ioas.IoasMapRequest;
import io.vfiomigrate.iommufd.ioas.IommuOption;
import io.vfiomigrate.proto.AccessCreate;
import io.vfiomigrate.proto.IoasCopy;
import io.vfiomigrate.proto.IoasMap;
import io.vfiomigrate.proto.IoasUnmap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * One iommufd file a program opened: the model's context and the program's ids of its objects
 * mapped to the context's. IOAS and device ids the program never created map to 0, which no object
 * has, so the model refuses them with ENOENT at the point of the kernel's own lookup (after the
 * argument checks that come first). Accesses have no uAPI id: an unknown one fails EINVAL here,
 * like a VFIO device that is not open.
 *
 * <p>A device or access can be <em>closed</em>: the VMM closed its device file because attaching it
 * failed ({@link #closeDevice}, {@link #closeAccess}). The VMM then has no device to detach or
 * release, so detaching, unbinding and destroying it do nothing, while attaching or pinning through
 * it fails EINVAL (the device is not open).
 */
final class ProgramContext {
  /** No object has id 0: iommufd hands out ids from 1. */
  private static final int NO_OBJECT = 0;

  private static final long U64_MAX = -1L;

  private final int ctx;
  private final IommufdContext ictx;
  private final Map<Integer, Integer> ioases = new HashMap<>();
  private final Map<Integer, Integer> devices = new HashMap<>();
  private final Map<Integer, ProgramAccess> accesses = new HashMap<>();

  /** The group each open device or access stands for, by program id. */
  private final Map<Integer, Integer> groupsByDevice = new HashMap<>();

  /** Program ids of devices and accesses closed after a failed attach. */
  private final Set<Integer> closed = new HashSet<>();

  ProgramContext(int ctx, IommufdContext ictx) {
    this.ctx = ctx;
    this.ictx = ictx;
  }

  IommufdContext ictx() {
    return ictx;
  }

  /** {@code IOMMU_IOAS_ALLOC} under the program's id {@code ioas}. */
  void ioasAlloc(int ioas) {
    requireNewId(ioas, "ioasAlloc.ioas");
    ioases.put(ioas, ictx.ioasAlloc());
  }

  /** {@code IOMMU_IOAS_MAP} by {@code current}. */
  void ioasMap(Task current, IoasMap map) {
    int flags = flags(map.getFixedIova(), map.getReadable(), map.getWriteable());
    ictx.ioasMap(
        current,
        new IoasMapRequest(
            ioas(map.getIoas()), flags, map.getUserVa(), map.getLength(), map.getIova()));
  }

  /**
   * {@code IOMMU_IOAS_UNMAP}; {@code all} is iova 0, length U64_MAX. Returns the bytes unmapped.
   */
  long ioasUnmap(IoasUnmap unmap) {
    int ioas = ioas(unmap.getIoas());
    return unmap.getAll()
        ? ictx.ioasUnmap(ioas, 0, U64_MAX)
        : ictx.ioasUnmap(ioas, unmap.getIova(), unmap.getLength());
  }

  /** {@code IOMMU_IOAS_COPY}. */
  void ioasCopy(IoasCopy copy) {
    int flags = flags(copy.getFixedIova(), copy.getReadable(), copy.getWriteable());
    ictx.ioasCopy(
        new IoasCopyRequest(
            ioas(copy.getDstIoas()),
            ioas(copy.getSrcIoas()),
            flags,
            copy.getSrcIova(),
            copy.getDstIova(),
            copy.getLength()));
  }

  /** {@code IOMMU_OPTION} as {@code current}; HUGE_PAGES names an IOAS of the program. */
  void option(Task current, IommuOption option) {
    int objectId =
        option.optionId() == IommuOption.HUGE_PAGES ? ioas(option.objectId()) : option.objectId();
    ictx.option(current, new IommuOption(option.optionId(), option.op(), objectId, option.value()));
  }

  /** {@code IOMMU_DESTROY} of the program's IOAS {@code ioas}. */
  void destroy(int ioas) {
    ictx.destroy(ioas(ioas));
    ioases.remove(ioas);
  }

  /** Binds the device of {@code group} under the program's id {@code device}. */
  void deviceBind(int device, int group) {
    requireNewId(device, "deviceBind.device");
    devices.put(device, ictx.deviceBind(group));
    groupsByDevice.put(device, group);
  }

  /** Attaches a bound device to an IOAS through an automatic domain (or replaces its domain). */
  void deviceAttach(int device, int ioas) {
    requireOpen(device);
    ictx.deviceAttach(device(device), ioas(ioas));
  }

  void deviceDetach(int device) {
    if (!closed.contains(device)) {
      ictx.deviceDetach(device(device));
    }
  }

  /** Unbinds (detaching first); returns the group whose device is closed now, if it was open. */
  OptionalInt deviceUnbind(int device) {
    if (closed.remove(device)) {
      return OptionalInt.empty();
    }
    ictx.deviceUnbind(device(device));
    return OptionalInt.of(forget(device));
  }

  /** The VMM closes a bound device whose attach failed; returns its group. */
  int closeDevice(int device) {
    ictx.deviceUnbind(device(device));
    closed.add(device);
    return forget(device);
  }

  /** {@code iommufd_access_create} for an emulated device of {@code create.group}. */
  void accessCreate(AccessCreate create) {
    requireNewId(create.getAccess(), "accessCreate.access");
    UnmapPolicy policy =
        create.getOnUnmap() == io.vfiomigrate.proto.UnmapPolicy.IGNORE
            ? UnmapPolicy.IGNORE
            : UnmapPolicy.UNPIN;
    accesses.put(
        create.getAccess(),
        ProgramAccess.create(ictx, create.getGroup(), create.getNeedsPinPages(), policy));
    groupsByDevice.put(create.getAccess(), create.getGroup());
  }

  /** {@code iommufd_access_detach}; nothing for an access the VMM closed. */
  void accessDetach(int access) {
    if (!closed.contains(access)) {
      access(access).detach();
    }
  }

  void accessAttach(int access, int ioas) {
    requireOpen(access);
    access(access).attach(ioas(ioas));
  }

  /**
   * The access {@code access}.
   *
   * @throws KernelException EINVAL if the program never created it (or destroyed it)
   */
  ProgramAccess access(int access) {
    ProgramAccess found = accesses.get(access);
    if (found == null) {
      throw KernelException.of(
          Errno.EINVAL, "context %d has no access %d: the device is not open", ctx, access);
    }
    return found;
  }

  /** The access {@code access} if the program created it, for unpins, which never fail. */
  ProgramAccess accessOrNull(int access) {
    return accesses.get(access);
  }

  /**
   * {@code iommufd_access_destroy}; returns the group whose device is closed now, if it was open.
   */
  OptionalInt accessDestroy(int access) {
    if (closed.remove(access)) {
      return OptionalInt.empty();
    }
    access(access).destroy();
    return OptionalInt.of(forget(access));
  }

  /** The VMM closes an emulated device whose access failed to attach; returns its group. */
  int closeAccess(int access) {
    access(access).destroy();
    closed.add(access);
    return forget(access);
  }

  /** The groups whose devices are open in this context. */
  Iterable<Integer> openGroups() {
    return groupsByDevice.values();
  }

  /** The uapi flags of IOMMU_IOAS_MAP and IOMMU_IOAS_COPY. */
  private static int flags(boolean fixedIova, boolean readable, boolean writeable) {
    return (fixedIova ? IoasMapRequest.FIXED_IOVA : 0)
        | (readable ? IoasMapRequest.READABLE : 0)
        | (writeable ? IoasMapRequest.WRITEABLE : 0);
  }

  /** Forgets an open device or access; returns its group. */
  private int forget(int id) {
    devices.remove(id);
    accesses.remove(id);
    return groupsByDevice.remove(id);
  }

  private void requireOpen(int id) {
    if (closed.contains(id)) {
      throw KernelException.of(
          Errno.EINVAL, "context %d: the device of program id %d is not open", ctx, id);
    }
  }

  private int ioas(int ioas) {
    return ioases.getOrDefault(ioas, NO_OBJECT);
  }

  private int device(int device) {
    return devices.getOrDefault(device, NO_OBJECT);
  }

  /** IOASes, devices and accesses share the program's id space, as they share the context's. */
  private void requireNewId(int id, String field) {
    if (ioases.containsKey(id) || groupsByDevice.containsKey(id) || closed.contains(id)) {
      throw new MalformedOpException(
          field, "context " + ctx + " already has an object with program id " + id);
    }
  }
}
