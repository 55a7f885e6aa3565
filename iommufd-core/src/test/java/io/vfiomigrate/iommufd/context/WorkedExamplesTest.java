package io.vfiomigrate.iommufd.context;

import static io.vfiomigrate.testing.KernelAssertions.assertErrno;
import static org.assertj.core.api.Assertions.assertThat;

import io.vfiomigrate.api.Errno;
import io.vfiomigrate.api.Prot;
import io.vfiomigrate.api.TrackingMdevDriver;
import io.vfiomigrate.api.UnmapPolicy;
import io.vfiomigrate.host.Backing;
import io.vfiomigrate.host.Host;
import io.vfiomigrate.host.HostConfig;
import io.vfiomigrate.host.RegionSpec;
import io.vfiomigrate.host.Task;
import io.vfiomigrate.host.TaskSpec;
import io.vfiomigrate.iommufd.device.AccessVfioDevice;
import io.vfiomigrate.iommufd.ioas.IoasCopyRequest;
import io.vfiomigrate.iommufd.ioas.IoasMapRequest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The iommufd columns of the worked examples of spec section C, with their exact figures:
 * ULV = user.locked_vm, LV = mm.locked_vm, PV = mm.pinned_vm, pins = FOLL_PIN count, all in
 * pages. One user (uid 1000), processes 1 and 2, no CAP_IPC_LOCK unless stated.
 */
class WorkedExamplesTest {
  private static final long P = 4096;
  private static final long B = 0x10000000L;
  private static final int GROUP = 1;

  /** A host with processes 1 (and 2) of uid 1000 with {@code limitPages} of RLIMIT_MEMLOCK. */
  private static final class World {
    final Host host;
    final List<IommufdContext> contexts = new ArrayList<>();

    World(long limitPages, long bufferPages, Backing backing, boolean twoProcesses) {
      HostConfig.Builder b = HostConfig.builder()
          .task(TaskSpec.of(1, 1000, limitPages * P))
          .region(RegionSpec.of(1, B, bufferPages * P, backing));
      if (twoProcesses) {
        b.task(TaskSpec.of(2, 1000, limitPages * P))
            .region(RegionSpec.of(2, B, bufferPages * P, backing));
      }
      host = new Host(b.build());
    }

    World(HostConfig config) {
      host = new Host(config);
    }

    IommufdContext open(boolean mm) {
      IommufdContext ctx = mm ? IommufdContext.openVfioContainer(host) : IommufdContext.open(host);
      contexts.add(ctx);
      return ctx;
    }

    Task task(int pid) {
      return host.task(pid);
    }

    /** ULV / PV / LV of process {@code pid}, and the pin count of its buffer's first page. */
    String figures(int pid) {
      Task t = task(pid);
      IommufdContext.checkAccounting(host, contexts);
      contexts.forEach(IommufdContext::checkInvariants);
      return t.user().lockedVm() + " / " + t.mm().pinnedVm() + " / " + t.mm().lockedVm()
          + " pins " + host.memory().pinCount(t.mm(), B);
    }
  }

  private static long map(IommufdContext ctx, Task task, int ioas, long pages, long iova) {
    return ctx.ioasMap(task, IoasMapRequest.fixed(ioas, B, pages * P, iova));
  }

  private static int ioasWithDomain(IommufdContext ctx, int group) {
    int ioas = ctx.ioasAlloc();
    ctx.deviceAttach(ctx.deviceBind(group), ioas);
    return ioas;
  }

  @Test
  void c1SameMemoryMappedTwiceUser() {
    World w = new World(1000, 256, Backing.ANON, false);
    IommufdContext ctx = w.open(false);
    int ioas = ioasWithDomain(ctx, GROUP);
    map(ctx, w.task(1), ioas, 256, 0x100000);
    assertThat(w.figures(1)).isEqualTo("256 / 256 / 0 pins 1");
    map(ctx, w.task(1), ioas, 256, 0x200000);
    assertThat(w.figures(1)).isEqualTo("512 / 512 / 0 pins 2");
    ctx.ioasUnmap(ioas, 0x100000, 256 * P);
    assertThat(w.figures(1)).isEqualTo("256 / 256 / 0 pins 1");
  }

  @Test
  void c1SameMemoryMappedTwiceMm() {
    World w = new World(1000, 256, Backing.ANON, false);
    IommufdContext ctx = w.open(true);
    int ioas = ioasWithDomain(ctx, GROUP);
    map(ctx, w.task(1), ioas, 256, 0x100000);
    assertThat(w.figures(1)).isEqualTo("0 / 256 / 256 pins 1");
    map(ctx, w.task(1), ioas, 256, 0x200000);
    assertThat(w.figures(1)).isEqualTo("0 / 512 / 512 pins 2");
    ctx.ioasUnmap(ioas, 0x100000, 256 * P);
    assertThat(w.figures(1)).isEqualTo("0 / 256 / 256 pins 1");
  }

  @Test
  void c1SecondMapOverTheLimitIsUndone() {
    for (boolean mm : new boolean[] {false, true}) {
      World w = new World(384, 256, Backing.ANON, false);
      IommufdContext ctx = w.open(mm);
      int ioas = ioasWithDomain(ctx, GROUP);
      map(ctx, w.task(1), ioas, 256, 0x100000);
      String before = w.figures(1);
      assertErrno(Errno.ENOMEM, () -> map(ctx, w.task(1), ioas, 256, 0x200000));
      assertThat(w.figures(1)).isEqualTo(before).contains("256 / 256").contains("pins 1");
    }
  }

  @Test
  void c2CopySharesThePinsAndTheCharge() {
    World w = new World(1000, 256, Backing.ANON, false);
    IommufdContext ctx = w.open(false);
    int a = ioasWithDomain(ctx, 1);
    int b = ioasWithDomain(ctx, 2);
    map(ctx, w.task(1), a, 256, 0x100000);
    assertThat(w.figures(1)).isEqualTo("256 / 256 / 0 pins 1");
    ctx.ioasCopy(IoasCopyRequest.fixed(b, a, 0x100000, 0x100000, 256 * P));
    assertThat(w.figures(1)).isEqualTo("256 / 256 / 0 pins 1");
    ctx.ioasUnmap(a, 0x100000, 256 * P);
    assertThat(w.figures(1)).isEqualTo("256 / 256 / 0 pins 1");
    ctx.ioasUnmap(b, 0x100000, 256 * P);
    assertThat(w.figures(1)).isEqualTo("0 / 0 / 0 pins 0");
  }

  @Test
  void c2CopyFromAnIoasWithoutDomainPinsOnCopy() {
    World w = new World(1000, 256, Backing.ANON, false);
    IommufdContext ctx = w.open(false);
    int a = ctx.ioasAlloc();
    int b = ioasWithDomain(ctx, 2);
    map(ctx, w.task(1), a, 256, 0x100000);
    assertThat(w.figures(1)).isEqualTo("0 / 0 / 0 pins 0");
    ctx.ioasCopy(IoasCopyRequest.fixed(b, a, 0x100000, 0x100000, 256 * P));
    assertThat(w.figures(1)).isEqualTo("256 / 256 / 0 pins 1");
  }

  /** An emulated device on the context: its access attached to {@code ioas}. */
  private static AccessVfioDevice mdev(IommufdContext ctx, int ioas, TrackingMdevDriver driver) {
    AccessVfioDevice device = AccessVfioDevice.bind(ctx, 7, driver, null);
    device.access().attach(ioas);
    return device;
  }

  @Test
  void c3MdevPinsWithoutADomain() {
    World w = new World(1000, 1024, Backing.ANON, false);
    IommufdContext ctx = w.open(false);
    int ioas = ctx.ioasAlloc();
    map(ctx, w.task(1), ioas, 1024, 0);
    assertThat(w.figures(1)).isEqualTo("0 / 0 / 0 pins 0");
    TrackingMdevDriver driver = new TrackingMdevDriver(UnmapPolicy.UNPIN, P);
    AccessVfioDevice device = mdev(ctx, ioas, driver);
    driver.pin(device, 0, 4, Prot.READ_WRITE);
    assertThat(w.figures(1)).isEqualTo("4 / 4 / 0 pins 1");
    driver.pin(device, 0, 1, Prot.READ_WRITE);
    assertThat(w.figures(1)).isEqualTo("4 / 4 / 0 pins 1");
    driver.unpin(device, 0, 1);
    assertThat(w.figures(1)).isEqualTo("4 / 4 / 0 pins 1");
    driver.unpin(device, 0, 4);
    assertThat(w.figures(1)).isEqualTo("0 / 0 / 0 pins 0");
  }

  @Test
  void c3OverLimitPinPinsFirstChargesOnceAndUndoes() {
    World w = new World(2, 1024, Backing.ANON, false);
    IommufdContext ctx = w.open(false);
    int ioas = ctx.ioasAlloc();
    map(ctx, w.task(1), ioas, 1024, 0);
    AccessVfioDevice device = mdev(ctx, ioas, new TrackingMdevDriver(UnmapPolicy.UNPIN, P));
    assertErrno(Errno.ENOMEM, () -> device.pinPages(0, 4, Prot.READ_WRITE));
    assertThat(w.figures(1)).isEqualTo("0 / 0 / 0 pins 0");
    assertThat(w.host.memory().pinnedPages()).isZero();
  }

  @Test
  void c4MdevPinsWhileADomainExists() {
    World w = new World(1L << 20, 1024, Backing.ANON, false);
    IommufdContext ctx = w.open(false);
    int ioas = ioasWithDomain(ctx, GROUP);
    map(ctx, w.task(1), ioas, 1024, 0);
    assertThat(w.figures(1)).isEqualTo("1024 / 1024 / 0 pins 1");
    TrackingMdevDriver driver = new TrackingMdevDriver(UnmapPolicy.UNPIN, P);
    AccessVfioDevice device = mdev(ctx, ioas, driver);
    driver.pin(device, 0, 4, Prot.READ_WRITE);
    assertThat(w.figures(1)).isEqualTo("1024 / 1024 / 0 pins 1");
    assertThat(ctx.ioasUnmap(ioas, 0, 1024 * P)).isEqualTo(1024 * P);
    assertThat(driver.callbacks()).isEqualTo(1);
    assertThat(driver.pins()).isEmpty();
    assertThat(w.figures(1)).isEqualTo("0 / 0 / 0 pins 0");
  }

  @Test
  void c5HotplugWhileMdevPinsExist() {
    World w = new World(1L << 20, 1024, Backing.ANON, false);
    IommufdContext ctx = w.open(false);
    int ioas = ctx.ioasAlloc();
    map(ctx, w.task(1), ioas, 1024, 0);
    TrackingMdevDriver driver = new TrackingMdevDriver(UnmapPolicy.UNPIN, P);
    AccessVfioDevice device = mdev(ctx, ioas, driver);
    driver.pin(device, 0, 4, Prot.READ_WRITE);
    assertThat(w.figures(1)).isEqualTo("4 / 4 / 0 pins 1");
    int dev = ctx.deviceBind(GROUP);
    ctx.deviceAttach(dev, ioas);
    assertThat(w.figures(1)).isEqualTo("1024 / 1024 / 0 pins 1");
    ctx.deviceDetach(dev);
    assertThat(w.figures(1)).isEqualTo("4 / 4 / 0 pins 1");
    assertThat(w.host.memory().pinnedPages()).isEqualTo(4);
    driver.unpin(device, 0, 4);
    assertThat(w.figures(1)).isEqualTo("0 / 0 / 0 pins 0");
  }

  @Test
  void c5HotplugOverTheLimitFailsAndKeepsTheMdevPins() {
    World w = new World(1000, 1024, Backing.ANON, false);
    IommufdContext ctx = w.open(false);
    int ioas = ctx.ioasAlloc();
    map(ctx, w.task(1), ioas, 1024, 0);
    TrackingMdevDriver driver = new TrackingMdevDriver(UnmapPolicy.UNPIN, P);
    AccessVfioDevice device = mdev(ctx, ioas, driver);
    driver.pin(device, 0, 4, Prot.READ_WRITE);
    int dev = ctx.deviceBind(GROUP);
    assertErrno(Errno.ENOMEM, () -> ctx.deviceAttach(dev, ioas));
    assertThat(w.figures(1)).isEqualTo("4 / 4 / 0 pins 1");
    assertThat(w.host.memory().pinnedPages()).isEqualTo(4);
  }

  @Test
  void c6MmioIsRefused() {
    long bar = B + 16 * P;
    World w = new World(HostConfig.builder().task(TaskSpec.of(1, 1000, 1L << 30))
        .region(RegionSpec.of(1, B, 16 * P, Backing.ANON))
        .region(RegionSpec.of(1, bar, 256 * P, Backing.MMIO)).build());
    IommufdContext ctx = w.open(false);
    int withDomain = ioasWithDomain(ctx, GROUP);
    assertErrno(Errno.EFAULT, () -> ctx.ioasMap(w.task(1),
        IoasMapRequest.fixed(withDomain, bar, 256 * P, 0x100000)));
    assertErrno(Errno.EFAULT, () -> ctx.ioasMap(w.task(1),
        IoasMapRequest.fixed(withDomain, B, 32 * P, 0x100000)));
    int lazy = ctx.ioasAlloc();
    ctx.ioasMap(w.task(1), IoasMapRequest.fixed(lazy, bar, 256 * P, 0x100000));
    AccessVfioDevice device = mdev(ctx, lazy, new TrackingMdevDriver(UnmapPolicy.UNPIN, P));
    assertErrno(Errno.EFAULT, () -> device.pinPages(0x100000, 1, Prot.READ));
    assertErrno(Errno.EFAULT, () -> ctx.deviceAttach(ctx.deviceBind(2), lazy));
    assertThat(w.figures(1)).isEqualTo("0 / 0 / 0 pins 0");
  }

  @Test
  void c7TwoProcessesOfOneUser() {
    long pages = 200000;
    World user = new World(262144, pages, Backing.THP, true);
    IommufdContext c1 = user.open(false);
    IommufdContext c2 = user.open(false);
    int a1 = c1.ioasAlloc();
    int a2 = c2.ioasAlloc();
    c1.deviceAttach(c1.deviceBind(1), a1);
    c2.deviceAttach(c2.deviceBind(2), a2);
    map(c1, user.task(1), a1, pages, 0x100000000L);
    assertThat(user.figures(1)).isEqualTo("200000 / 200000 / 0 pins 1");
    assertErrno(Errno.ENOMEM, () -> map(c2, user.task(2), a2, pages, 0x100000000L));
    assertThat(user.figures(1)).isEqualTo("200000 / 200000 / 0 pins 1");
    assertThat(user.figures(2)).isEqualTo("200000 / 0 / 0 pins 0");
    c1.ioasUnmap(a1, 0, -1L);
    assertThat(user.figures(1)).isEqualTo("0 / 0 / 0 pins 0");

    World mm = new World(262144, pages, Backing.THP, true);
    IommufdContext m1 = mm.open(true);
    IommufdContext m2 = mm.open(true);
    int b1 = m1.ioasAlloc();
    int b2 = m2.ioasAlloc();
    m1.deviceAttach(m1.deviceBind(1), b1);
    m2.deviceAttach(m2.deviceBind(2), b2);
    map(m1, mm.task(1), b1, pages, 0x100000000L);
    map(m2, mm.task(2), b2, pages, 0x100000000L);
    assertThat(mm.figures(1)).isEqualTo("0 / 200000 / 200000 pins 1");
    assertThat(mm.figures(2)).isEqualTo("0 / 200000 / 200000 pins 1");
    m1.ioasUnmap(b1, 0, -1L);
    assertThat(mm.figures(1)).isEqualTo("0 / 0 / 0 pins 0");
  }

  @Test
  void c8LimitExceededPartWayThroughOneMap() {
    for (boolean mm : new boolean[] {false, true}) {
      World w = new World(1000, 1100, Backing.ANON, false);
      IommufdContext ctx = w.open(mm);
      int ioas = ioasWithDomain(ctx, GROUP);
      ctx.ioasMap(w.task(1), IoasMapRequest.fixed(ioas, B, 900 * P, 0x1000000));
      String before = w.figures(1);
      assertErrno(Errno.ENOMEM, () -> ctx.ioasMap(w.task(1),
          IoasMapRequest.fixed(ioas, B + 900 * P, 200 * P, 0x2000000)));
      assertThat(w.figures(1)).isEqualTo(before);
      assertThat(before).startsWith(mm ? "0 / 900 / 900" : "900 / 900 / 0");
      assertThat(w.host.memory().pinnedPages()).isEqualTo(900);
    }
  }

  @Test
  void c9CapIpcLockHolderIsNotCharged() {
    for (boolean mm : new boolean[] {false, true}) {
      World w = new World(HostConfig.builder()
          .task(TaskSpec.of(1, 1000, 0).withCapIpcLock(true))
          .region(RegionSpec.of(1, B, 256 * P, Backing.ANON)).build());
      IommufdContext ctx = w.open(mm);
      int ioas = ioasWithDomain(ctx, GROUP);
      map(ctx, w.task(1), ioas, 256, 0x100000);
      assertThat(w.figures(1)).isEqualTo("0 / 256 / 0 pins 1");
    }
  }

  @Test
  void c12NoMappingCountLimit() {
    World w = new World(1000, 1, Backing.ANON, false);
    IommufdContext ctx = w.open(false);
    int ioas = ctx.ioasAlloc();
    for (long i = 0; i <= 65535; i++) {
      map(ctx, w.task(1), ioas, 1, i * P);
    }
    assertThat(ctx.ioas(ioas).iopt().areaCount()).isEqualTo(65536);
  }
}
