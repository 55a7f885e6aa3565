package io.vfiomigrate.iommufd.context;

import static java.util.Objects.requireNonNull;

import io.vfiomigrate.api.Errno;
import io.vfiomigrate.api.IovaRange;
import io.vfiomigrate.api.KernelException;
import io.vfiomigrate.host.Host;
import io.vfiomigrate.host.Mm;
import io.vfiomigrate.host.Task;
import io.vfiomigrate.host.UserStruct;
import io.vfiomigrate.iommufd.device.AccessOps;
import io.vfiomigrate.iommufd.device.Devices;
import io.vfiomigrate.iommufd.device.IommufdAccess;
import io.vfiomigrate.iommufd.device.IommufdDevice;
import io.vfiomigrate.iommufd.ioas.IoasCommands;
import io.vfiomigrate.iommufd.ioas.Ioas;
import io.vfiomigrate.iommufd.ioas.IoasCopyRequest;
import io.vfiomigrate.iommufd.ioas.IoasMapRequest;
import io.vfiomigrate.iommufd.ioas.IommuOption;
import io.vfiomigrate.iommufd.ioas.IovaRanges;
import io.vfiomigrate.iommufd.iopt.AccountMode;
import io.vfiomigrate.iommufd.iopt.IoptEnv;
import io.vfiomigrate.iommufd.iopt.IoptPages;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code struct iommufd_ctx}: one open {@code /dev/iommu} (or the {@code /dev/vfio/vfio} that
 * iommufd provides), its objects and its accounting mode. The native API a replayer of
 * {@code IommufdOp}s drives, one method per ioctl or kernel entry point, each failing with the
 * kernel's errno ({@link KernelException}) and all-or-nothing unless documented otherwise.
 *
 * <p>Accounting mode: USER unless opened with {@link #openVfioContainer} (MM), switchable
 * with {@code IOMMU_OPTION_RLIMIT_MODE} while the context holds no object. (The kernel's
 * {@code kzalloc}ed value is 0, {@code IOPT_PAGES_ACCOUNT_NONE}, which it treats exactly as
 * USER: only MM changes anything.)
 *
 * <p>Single-threaded, like one process driving its fd.
 */
public final class IommufdContext implements AutoCloseable {
  private final Host host;
  private final IoptEnv env;
  private final ObjectTable objects;
  private final IoasCommands ioasCommands;
  private final Devices devices;
  private AccountMode accountMode;
  private Ioas vfioIoas;
  private boolean noIommuMode;
  /**
   * IOASes that {@link #close} destroyed but could not empty (a driver kept pins): their
   * pages stay pinned and charged forever, as the kernel's leak does, and stay counted here
   * so that the host still balances against its contexts.
   */
  private final List<Ioas> leaked = new ArrayList<>();

  private IommufdContext(Host host, AccountMode accountMode) {
    this.host = requireNonNull(host, "host is null");
    this.env = new IoptEnv(host);
    this.objects = new ObjectTable(host.faults(), host.log());
    this.accountMode = accountMode;
    this.ioasCommands = new IoasCommands(this);
    this.devices = new Devices(this);
  }

  /** {@code iommufd_fops_open} of {@code /dev/iommu}: per-user accounting. */
  public static IommufdContext open(Host host) {
    return new IommufdContext(host, AccountMode.USER);
  }

  /**
   * {@code iommufd_fops_open} of the {@code /dev/vfio/vfio} misc device that
   * CONFIG_IOMMUFD_VFIO_CONTAINER provides: per-process (MM) accounting, as type1 does.
   */
  public static IommufdContext openVfioContainer(Host host) {
    return new IommufdContext(host, AccountMode.MM);
  }

  // ---- IOAS ioctls (ioas.c) ----

  /** {@code IOMMU_IOAS_ALLOC}; see {@link IoasCommands#alloc}. */
  public int ioasAlloc() {
    return ioasCommands.alloc().id();
  }

  /** {@code IOMMU_IOAS_IOVA_RANGES}; see {@link IoasCommands#iovaRanges}. */
  public IovaRanges ioasIovaRanges(int ioasId, int maxRanges) {
    return ioasCommands.iovaRanges(ioasId, maxRanges);
  }

  /** {@code IOMMU_IOAS_ALLOW_IOVAS}; see {@link IoasCommands#allowIovas}. */
  public void ioasAllowIovas(int ioasId, List<IovaRange> ranges) {
    ioasCommands.allowIovas(ioasId, ranges);
  }

  /** {@code IOMMU_IOAS_MAP} by {@code current}; returns the IOVA. See {@link IoasCommands#map}. */
  public long ioasMap(Task current, IoasMapRequest request) {
    return ioasCommands.map(current, request);
  }

  /** {@code IOMMU_IOAS_COPY}; returns the destination IOVA. See {@link IoasCommands#copy}. */
  public long ioasCopy(IoasCopyRequest request) {
    return ioasCommands.copy(request);
  }

  /** {@code IOMMU_IOAS_UNMAP}; returns the bytes unmapped. See {@link IoasCommands#unmap}. */
  public long ioasUnmap(int ioasId, long iova, long length) {
    return ioasCommands.unmap(ioasId, iova, length);
  }

  /** {@code IOMMU_OPTION} as {@code current}; returns a GET's value. */
  public long option(Task current, IommuOption option) {
    return ioasCommands.option(current, option);
  }

  /**
   * {@code IOMMU_DESTROY}.
   *
   * @throws KernelException ENOENT for an unknown id; EBUSY for an object in use (an IOAS
   *     with a HWPT or an access, a HWPT with devices, a device or access held by its driver)
   */
  public void destroy(int id) {
    IommufdObject destroyed = objects.remove(id);
    if (destroyed == vfioIoas) {
      vfioIoas = null;
    }
  }

  /** The IOAS {@code ioasId}, for adapters that drive its io_pagetable directly. */
  public Ioas ioas(int ioasId) {
    return ioasCommands.get(ioasId);
  }

  // ---- VFIO compatibility (vfio_compat.c) ----

  /**
   * {@code IOMMU_VFIO_IOAS} GET.
   *
   * @throws KernelException ENODEV without a compat IOAS
   */
  public int vfioIoasGet() {
    return compatIoas().id();
  }

  /** {@code IOMMU_VFIO_IOAS} SET; ENOENT for a bad id. */
  public void vfioIoasSet(int ioasId) {
    vfioIoas = ioasCommands.get(ioasId);
  }

  /** {@code IOMMU_VFIO_IOAS} CLEAR: forgets the compat IOAS without destroying it. */
  public void vfioIoasClear() {
    vfioIoas = null;
  }

  /**
   * {@code get_compat_ioas}: the IOAS the type1 ioctls act on.
   *
   * @throws KernelException ENODEV if there is none
   */
  public Ioas compatIoas() {
    if (vfioIoas == null) {
      throw KernelException.of(Errno.ENODEV, "no compat IOAS");
    }
    return vfioIoas;
  }

  /**
   * {@code iommufd_vfio_compat_ioas_create}: a group joins the container; creates the compat
   * IOAS unless one exists (a visible, user-destroyable IOAS).
   *
   * @throws KernelException EINVAL in no-iommu mode; ENOMEM (injected, even if one exists)
   */
  public void compatIoasCreate() {
    Ioas ioas = ioasCommands.allocUnpublished();
    if (noIommuMode) {
      objects.abort(ioas);
      throw KernelException.of(Errno.EINVAL, "iommufd_vfio_compat_ioas_create: no-iommu mode");
    }
    if (vfioIoas != null) {
      objects.abort(ioas);
      return;
    }
    vfioIoas = ioas;
    objects.publish(ioas);
  }

  /**
   * {@code iommufd_vfio_compat_set_no_iommu}.
   *
   * @throws KernelException EINVAL if a compat IOAS exists
   */
  public void setNoIommu() {
    if (vfioIoas != null) {
      throw KernelException.of(Errno.EINVAL, "iommufd_vfio_compat_set_no_iommu: compat IOAS");
    }
    noIommuMode = true;
  }

  public boolean noIommuMode() {
    return noIommuMode;
  }

  // ---- physical devices (device.c) ----

  /** Binds a physical device of {@code groupId}; returns its id. */
  public int deviceBind(int groupId) {
    return devices.bind(groupId).id();
  }

  /**
   * Attaches a bound device to an IOAS (automatic domain) or a HWPT, replacing an earlier
   * attachment, as VFIO's {@code VFIO_DEVICE_ATTACH_IOMMUFD_PT}; returns the HWPT id.
   */
  public int deviceAttach(int deviceId, int ptId) {
    return devices.attach(devices.get(deviceId), ptId);
  }

  /** Detaches a device if attached. ENOENT for an unknown device. */
  public void deviceDetach(int deviceId) {
    devices.detach(devices.get(deviceId));
  }

  /** Unbinds a device, detaching it first. ENOENT for an unknown device. */
  public void deviceUnbind(int deviceId) {
    devices.unbind(devices.get(deviceId));
  }

  // ---- in-kernel accesses (device.c) ----

  /** {@code iommufd_access_create}: a detached access with its driver's {@code ops}. */
  public IommufdAccess accessCreate(AccessOps ops) {
    return IommufdAccess.create(this, ops);
  }

  /** The access {@code accessId}. ENOENT for an unknown one. */
  public IommufdAccess access(int accessId) {
    return (IommufdAccess) objects.get(accessId, ObjectKind.ACCESS);
  }

  // ---- selftest commands ----

  /** {@code IOMMU_TEST_OP_SET_TEMP_MEMORY_LIMIT}: caps temporary buffers (PFN batches). */
  public void testSetTempMemoryLimit(long bytes) {
    env.setTempMemoryLimit(bytes);
  }

  /** {@code IOMMU_TEST_OP_ADD_RESERVED}. */
  public void testAddReserved(int ioasId, long start, long length) {
    ioasCommands.addTestReserved(ioasId, start, length);
  }

  // ---- life cycle ----

  /**
   * Closing the fd once the process is gone: drivers unbind their devices and destroy their
   * accesses, then {@code iommufd_fops_release} destroys the objects leaf first. Never fails;
   * pins a buggy driver never returned stay pinned, with kernel warnings, and their IOAS is
   * kept as {@link #hasLeaks leaked}.
   */
  @Override
  public void close() {
    for (IommufdDevice idev : objects.all(IommufdDevice.class)) {
      devices.unbind(idev);
    }
    for (IommufdAccess access : objects.all(IommufdAccess.class)) {
      access.destroy();
    }
    vfioIoas = null;
    List<Ioas> ioases = objects.all(Ioas.class);
    while (!objects.isEmpty()) {
      if (objects.releaseLeaves() == 0) {
        host.log().warn("iommufd_fops_release", "objects left:" + objects.dump());
        break;
      }
    }
    for (Ioas ioas : ioases) {
      if (!ioas.iopt().isEmpty()) {
        leaked.add(ioas);
      }
    }
    if (devices.hasGroups()) {
      host.log().warn("iommufd_fops_release", "groups left");
    }
  }

  /** Whether {@link #close} left pages pinned that nothing can release any more. */
  public boolean hasLeaks() {
    return !leaked.isEmpty();
  }

  // ---- internals shared by the ioas and device packages ----

  public Host host() {
    return host;
  }

  public IoptEnv env() {
    return env;
  }

  public ObjectTable objects() {
    return objects;
  }

  public IoasCommands ioasCommands() {
    return ioasCommands;
  }

  public AccountMode accountMode() {
    return accountMode;
  }

  public void setAccountMode(AccountMode mode) {
    accountMode = requireNonNull(mode, "mode is null");
  }

  // ---- checking ----

  /**
   * Checks spec F.4 and F.5 for every IOAS and every pages, and the users counts of IOASes
   * and HWPTs.
   *
   * @throws IllegalStateException naming the first broken invariant
   */
  public void checkInvariants() {
    for (Ioas ioas : objects.all(Ioas.class)) {
      ioas.iopt().checkInvariants();
      int expected = 1 + ioas.hwpts().size();
      for (IommufdAccess access : objects.all(IommufdAccess.class)) {
        if (access.ioas() == ioas) {
          expected++;
        }
      }
      if (ioas.users() != expected) {
        throw new IllegalStateException(ioas + " has " + ioas.users() + " users, expected "
            + expected);
      }
    }
    for (IoptPages pages : pages()) {
      pages.checkInvariants();
    }
    devices.checkInvariants();
  }

  /**
   * Checks spec F.6 over every context acting on {@code host}: each user's
   * {@code locked_vm} is the sum of {@code last_npinned} over USER pages of that user, each
   * mm's {@code locked_vm} over MM pages of that mm, and each mm's {@code pinned_vm} over all
   * pages of that mm. Also F.7 and "pinned exactly once" (B.4): the host's pin references are
   * the sum of {@code npinned} over all pages, so nothing else may pin on that host.
   *
   * @throws IllegalStateException naming the first mismatch
   */
  public static void checkAccounting(Host host, Collection<IommufdContext> contexts) {
    Map<UserStruct, Long> userLocked = new IdentityHashMap<>();
    Map<Mm, Long> mmLocked = new IdentityHashMap<>();
    Map<Mm, Long> mmPinned = new IdentityHashMap<>();
    long pinRefs = 0;
    for (IommufdContext ctx : contexts) {
      for (IoptPages pages : ctx.pages()) {
        pinRefs += pages.npinned();
        Mm mm = pages.sourceTask().mm();
        mmPinned.merge(mm, pages.lastNpinned(), Long::sum);
        if (pages.accountMode() == AccountMode.USER) {
          userLocked.merge(pages.sourceTask().user(), pages.lastNpinned(), Long::sum);
        } else if (pages.accountMode() == AccountMode.MM) {
          mmLocked.merge(mm, pages.lastNpinned(), Long::sum);
        }
      }
    }
    for (Task task : host.tasks()) {
      long locked = mmLocked.getOrDefault(task.mm(), 0L);
      long pinned = mmPinned.getOrDefault(task.mm(), 0L);
      if (task.mm().lockedVm() != locked || task.mm().pinnedVm() != pinned) {
        throw new IllegalStateException("pid " + task.pid() + " locked_vm "
            + task.mm().lockedVm() + " pinned_vm " + task.mm().pinnedVm() + ", pages say "
            + locked + " and " + pinned);
      }
      long user = userLocked.getOrDefault(task.user(), 0L);
      if (task.user().lockedVm() != user) {
        throw new IllegalStateException("uid " + task.uid() + " locked_vm "
            + task.user().lockedVm() + ", pages say " + user);
      }
    }
    if (host.memory().pinRefs() != pinRefs) {
      throw new IllegalStateException("the host holds " + host.memory().pinRefs()
          + " pin references, pages say " + pinRefs);
    }
  }

  /** Every distinct pages reachable from this context's IOASes, leaked ones included, by id. */
  private List<IoptPages> pages() {
    Set<IoptPages> set = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Ioas ioas : objects.all(Ioas.class)) {
      ioas.iopt().collectPages(set);
    }
    for (Ioas ioas : leaked) {
      ioas.iopt().collectPages(set);
    }
    List<IoptPages> list = new ArrayList<>(set);
    list.sort(Comparator.comparingInt(IoptPages::id));
    return list;
  }

  /**
   * A deterministic description of the whole context: objects, IOASes with their areas,
   * reservations and domains, pages with their counters, itrees and xarray, and accesses.
   * Equal strings mean equal state.
   */
  public String dumpState() {
    StringBuilder out = new StringBuilder("iommufd ").append(accountMode)
        .append(noIommuMode ? " no-iommu" : "")
        .append(" vfio_ioas ").append(vfioIoas == null ? "-" : String.valueOf(vfioIoas.id()))
        .append(" temp_memory_limit ").append(env.tempMemoryLimit())
        .append("\nobjects").append(objects.dump());
    for (Ioas ioas : objects.all(Ioas.class)) {
      out.append("\nioas ").append(ioas.id()).append(' ').append(ioas.iopt().dump());
    }
    for (Ioas ioas : leaked) {
      out.append("\nleaked ioas ").append(ioas.iopt().dump());
    }
    for (IoptPages pages : pages()) {
      out.append("\n").append(pages.describe());
    }
    for (IommufdAccess access : objects.all(IommufdAccess.class)) {
      out.append("\naccess ").append(access.id()).append(" ioas ")
          .append(access.ioas() == null ? "-" : String.valueOf(access.ioas().id()));
    }
    for (IommufdDevice idev : objects.all(IommufdDevice.class)) {
      out.append("\n").append(idev).append(" hwpt ")
          .append(idev.hwpt() == null ? "-" : String.valueOf(idev.hwpt().id()));
    }
    return out.toString();
  }
}
