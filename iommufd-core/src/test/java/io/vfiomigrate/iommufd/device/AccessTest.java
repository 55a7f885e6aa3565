package io.vfiomigrate.iommufd.device;

import static io.vfiomigrate.iommufd.testing.IommufdFixture.BIG;
import static io.vfiomigrate.iommufd.testing.IommufdFixture.BUFFER;
import static io.vfiomigrate.iommufd.testing.IommufdFixture.BUFFER_SIZE;
import static io.vfiomigrate.iommufd.testing.IommufdFixture.MOCK_APERTURE_START;
import static io.vfiomigrate.iommufd.testing.IommufdFixture.MOCK_PAGE_SIZE;
import static io.vfiomigrate.iommufd.testing.IommufdFixture.P;
import static org.assertj.core.api.Assertions.assertThat;

import io.vfiomigrate.api.Errno;
import io.vfiomigrate.api.KernelException;
import io.vfiomigrate.api.PinnedPages;
import io.vfiomigrate.api.Prot;
import io.vfiomigrate.api.TrackingMdevDriver;
import io.vfiomigrate.api.U64;
import io.vfiomigrate.api.UnmapPolicy;
import io.vfiomigrate.host.KernelWarning;
import io.vfiomigrate.iommufd.ioas.IoasMapRequest;
import io.vfiomigrate.iommufd.iopt.AccessPages;
import io.vfiomigrate.iommufd.testing.IommufdFixture;
import io.vfiomigrate.iommufd.testing.IommufdFixture.SelftestAccess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** In-kernel accesses (spec B.6) and the emulated VFIO device on top of them (B.8). */
class AccessTest {
  private final IommufdFixture f = new IommufdFixture();
  private final int ioas = f.ioasAlloc();

  @AfterEach
  void closeLeavesNoPin() {
    f.closeLeavingNoPin();
  }

  private AccessVfioDevice mdev(TrackingMdevDriver driver) {
    AccessVfioDevice device = f.op(() -> AccessVfioDevice.bind(f.ctx, 7, driver, null));
    f.run(() -> device.attachIoas(ioas));
    return device;
  }

  @Test
  void aDriverThatKeepsItsPinsMakesUnmapFailWithEdeadlock() {
    f.mockDomain(ioas);
    f.mapFixed(ioas, BUFFER, BUFFER_SIZE, MOCK_APERTURE_START);
    TrackingMdevDriver driver = new TrackingMdevDriver(UnmapPolicy.IGNORE, P);
    AccessVfioDevice device = mdev(driver);
    driver.pin(device, MOCK_APERTURE_START + P, 4, Prot.READ_WRITE);
    String before = f.state();
    f.fails(Errno.EDEADLOCK, () -> f.ctx.ioasUnmap(ioas, MOCK_APERTURE_START, BUFFER_SIZE));
    assertThat(driver.callbacks()).isEqualTo(101);
    assertThat(f.host.log().warnings()).extracting(KernelWarning::function)
        .containsExactly("iopt_unmap_iova_range");
    assertThat(f.state().replace(" prevent_access", "")).isEqualTo(before);
    assertThat(f.task.user().lockedVm()).isEqualTo(16);
    f.fails(Errno.EINVAL, () -> device.pinPages(MOCK_APERTURE_START, 1, Prot.READ));
    driver.unpin(device, MOCK_APERTURE_START + P, 4);
    assertThat(f.unmap(ioas, MOCK_APERTURE_START, BUFFER_SIZE)).isEqualTo(BUFFER_SIZE);
    assertThat(f.host.memory().pinnedPages()).isZero();
  }

  @Test
  void edeadlockReportsWhatWasUnmappedBeforeIt() {
    f.mapFixed(ioas, BUFFER, 4 * P, MOCK_APERTURE_START);
    f.mapFixed(ioas, BUFFER, 4 * P, MOCK_APERTURE_START + 4 * P);
    TrackingMdevDriver driver = new TrackingMdevDriver(UnmapPolicy.IGNORE, P);
    AccessVfioDevice device = mdev(driver);
    driver.pin(device, MOCK_APERTURE_START + 4 * P, 1, Prot.READ);
    try {
      f.ctx.ioas(ioas).iopt().unmapIova(MOCK_APERTURE_START, 8 * P);
      throw new AssertionError("unmap succeeded");
    } catch (KernelException e) {
      assertThat(e.errno()).isEqualTo(Errno.EDEADLOCK);
      assertThat(e.partialResult()).hasValue(4 * P);
    }
    f.fails(Errno.EDEADLOCK, () -> f.ctx.ioasUnmap(ioas, MOCK_APERTURE_START + 4 * P, 4 * P));
    driver.unpin(device, MOCK_APERTURE_START + 4 * P, 1);
  }

  @Test
  void unpinOfARangeNotExactlyPinnedOnlyWarns() {
    f.mapFixed(ioas, BUFFER, BUFFER_SIZE, MOCK_APERTURE_START);
    SelftestAccess access = f.access(true);
    f.run(() -> access.access().attach(ioas));
    access.pin(MOCK_APERTURE_START, 4 * P, false);
    String before = f.state();
    f.run(() -> access.access().unpinPages(MOCK_APERTURE_START, 2 * P));
    f.run(() -> access.access().unpinPages(MOCK_APERTURE_START, 0));
    assertThat(f.state()).isEqualTo(before);
    assertThat(f.host.log().warnings()).extracting(KernelWarning::function)
        .containsExactly("iommufd_access_unpin_pages", "iommufd_access_unpin_pages");
  }

  @Test
  void exactIntervalsShareOverlappingOnesDoNot() {
    f.mapFixed(ioas, BUFFER, BUFFER_SIZE, MOCK_APERTURE_START);
    SelftestAccess access = f.access(true);
    f.run(() -> access.access().attach(ioas));
    int a = access.pin(MOCK_APERTURE_START, 4 * P, true);
    int b = access.pin(MOCK_APERTURE_START, 4 * P, true);
    int c = access.pin(MOCK_APERTURE_START + 2 * P, 4 * P, true);
    f.assertRefs(BUFFER, 6 * P, 1);
    assertThat(f.task.user().lockedVm()).isEqualTo(6);
    assertThat(f.ctx.dumpState()).contains("access_itree [0,3]x2 [2,5]x1");
    access.unpin(a);
    access.unpin(c);
    assertThat(f.task.user().lockedVm()).isEqualTo(4);
    access.unpin(b);
    f.assertRefs(BUFFER, BUFFER_SIZE, 0);
    assertThat(f.task.user().lockedVm()).isZero();
  }

  @Test
  void pinErrorsInKernelOrder() {
    SelftestAccess access = f.access(true);
    f.failsUnchanged(Errno.EINVAL, () -> access.access().pinPages(0, 0, false));
    f.failsUnchanged(Errno.EOVERFLOW, () -> access.access().pinPages(-P, 2 * P, false));
    f.failsUnchanged(Errno.ENOENT, () -> access.access().pinPages(0, P, false));
    f.run(() -> access.access().attach(ioas));
    f.failsUnchanged(Errno.ENOENT, () -> access.access().pinPages(0, P, false));
    f.op(() -> f.ctx.ioasMap(f.task, new IoasMapRequest(ioas,
        IoasMapRequest.FIXED_IOVA | IoasMapRequest.READABLE, BUFFER, 4 * P, 0)));
    f.failsUnchanged(Errno.EPERM, () -> access.access().pinPages(0, P, true));
    f.failsUnchanged(Errno.ENOENT, () -> access.access().pinPages(0, 5 * P, false));
    f.mapFixed(ioas, BUFFER, 4 * P, 4 * P);
    PinnedPages pages = f.op(() -> access.access().pinPages(0, 8 * P, false));
    assertThat(pages.npages()).isEqualTo(8);
    assertThat(pages.pfn(4)).isEqualTo(pages.pfn(0));
    assertThat(f.pins(BUFFER)).isEqualTo(2);
    f.run(() -> access.access().unpinPages(0, 8 * P));
  }

  @Test
  void pinsMustStartAndCrossAreasOnPageBoundaries() {
    SelftestAccess access = f.access(false);
    f.run(() -> access.access().attach(ioas));
    f.mapFixed(ioas, BUFFER + MOCK_PAGE_SIZE, P, 0);
    f.mapFixed(ioas, BUFFER, 2 * P, P);
    f.failsUnchanged(Errno.EINVAL, () -> access.access().pinPages(0, 2 * P, false));
    f.failsUnchanged(Errno.EINVAL, () -> access.access().pinPages(MOCK_PAGE_SIZE, P, false));
    f.op(() -> access.access().pinPages(P, P, false));
    f.run(() -> access.access().unpinPages(P, P));
  }

  @Test
  void attachingAPinningAccessNeedsPageAlignedAreas() {
    f.mapFixed(ioas, BUFFER + MOCK_PAGE_SIZE, P, 0);
    SelftestAccess access = f.access(true);
    f.failsUnchanged(Errno.EADDRINUSE, () -> access.access().attach(ioas));
    f.unmap(ioas, 0, P);
    f.run(() -> access.access().attach(ioas));
    assertThat(f.ctx.ioas(ioas).iopt().iovaAlignment()).isEqualTo(P);
    f.failsUnchanged(Errno.EINVAL, () -> f.ctx.ioasMap(f.task,
        IoasMapRequest.fixed(ioas, BUFFER + MOCK_PAGE_SIZE, P, 0)));
    f.run(() -> access.access().detach());
    assertThat(f.ctx.ioas(ioas).iopt().iovaAlignment()).isEqualTo(1);
  }

  @Test
  void attachReplaceDetachAndDestroy() {
    SelftestAccess access = f.access(true);
    f.failsUnchanged(Errno.ENOENT, () -> access.access().replace(ioas));
    f.failsUnchanged(Errno.ENOENT, () -> access.access().attach(99));
    f.run(() -> access.access().attach(ioas));
    f.fails(Errno.EINVAL, () -> access.access().attach(ioas));
    f.fails(Errno.EBUSY, () -> f.ctx.destroy(ioas));
    f.fails(Errno.EBUSY, () -> f.ctx.destroy(access.access().id()));
    f.mapFixed(ioas, BUFFER, BUFFER_SIZE, 0);
    access.pin(0, 2 * P, false);
    int other = f.ioasAlloc();
    f.run(() -> access.access().replace(other));
    assertThat(access.callbacks()).isEqualTo(1);
    assertThat(access.held()).isZero();
    assertThat(f.host.memory().pinnedPages()).isZero();
    f.run(() -> f.ctx.destroy(ioas));
    f.run(() -> access.access().detach());
    f.run(() -> access.access().detach());
    assertThat(f.host.log().warnings()).extracting(KernelWarning::function)
        .containsExactly("iommufd_access_attach", "iommufd_access_detach");
    f.run(() -> access.access().destroy());
    f.failsUnchanged(Errno.ENOENT, () -> f.ctx.access(access.access().id()));
  }

  @Test
  void destroyingAnAttachedAccessTellsTheDriver() {
    f.mapFixed(ioas, BUFFER, BUFFER_SIZE, 0);
    SelftestAccess access = f.access(true);
    f.run(() -> access.access().attach(ioas));
    access.pin(0, 3 * P, false);
    f.run(() -> access.access().destroy());
    assertThat(access.callbacks()).isEqualTo(1);
    assertThat(f.host.memory().pinnedPages()).isZero();
    f.run(() -> f.ctx.destroy(ioas));
  }

  @Test
  void rwPinsNothingLongTermAndChargesNothing() {
    f.mapFixed(ioas, BIG, 64 * P, 0);
    SelftestAccess access = f.access(false);
    f.run(() -> access.access().attach(ioas));
    String before = f.state();
    for (int flags : new int[] {0, AccessPages.RW_WRITE, AccessPages.RW_SLOW_PATH,
        AccessPages.RW_SLOW_PATH | AccessPages.RW_WRITE}) {
      f.run(() -> access.access().rw(10, 40 * P, flags, f.task));
      f.run(() -> access.access().rw(P + 5, 100, flags, f.task));
      f.run(() -> access.access().rw(0, 64 * P, flags | AccessPages.RW_KTHREAD, null));
    }
    assertThat(f.state()).isEqualTo(before);
  }

  @Test
  void rwErrors() {
    SelftestAccess access = f.access(false);
    f.failsUnchanged(Errno.ENOENT, () -> access.access().rw(0, 1, 0, f.task));
    f.run(() -> access.access().attach(ioas));
    f.failsUnchanged(Errno.EINVAL, () -> access.access().rw(0, 0, 0, f.task));
    f.failsUnchanged(Errno.EOVERFLOW, () -> access.access().rw(U64.MAX, 2, 0, f.task));
    f.failsUnchanged(Errno.ENOENT, () -> access.access().rw(0, 1, 0, f.task));
    f.op(() -> f.ctx.ioasMap(f.task, new IoasMapRequest(ioas,
        IoasMapRequest.FIXED_IOVA | IoasMapRequest.READABLE, BUFFER, P, 0)));
    f.failsUnchanged(Errno.EPERM, () -> access.access().rw(0, 1, AccessPages.RW_WRITE, f.task));
    f.mapFixed(ioas, 0x1000, P, P);
    f.failsUnchanged(Errno.EFAULT, () -> access.access().rw(P, 8, 0, f.task));
    f.failsUnchanged(Errno.EFAULT,
        () -> access.access().rw(P, 8, AccessPages.RW_SLOW_PATH, f.task));
  }

  @Test
  void vfioPinPagesAlignsDownAndHasNo512PageLimit() {
    f.mapFixed(ioas, BIG, 512 * P, 0);
    f.mapFixed(ioas, BIG, 512 * P, 512 * P);
    TrackingMdevDriver driver = new TrackingMdevDriver(UnmapPolicy.UNPIN, P);
    AccessVfioDevice device = mdev(driver);
    PinnedPages pages = f.op(() -> driver.pin(device, 0x123, 1000, Prot.READ_WRITE));
    assertThat(pages.npages()).isEqualTo(1000);
    assertThat(pages.pfn(0)).isEqualTo(f.host.memory().pfnAt(f.task.mm(), BIG));
    assertThat(f.host.memory().pinnedPages()).isEqualTo(512);
    f.fails(Errno.EINVAL, () -> device.pinPages(0, 0, Prot.READ));
    f.fails(Errno.EINVAL, () -> device.dmaRw(0, 0, false));
    f.run(() -> device.dmaRw(0x10, 3 * P, true));
    f.run(() -> driver.unpin(device, 0x123, 1000));
    assertThat(f.host.memory().pinnedPages()).isZero();
    assertThat(f.host.log().warnings()).isEmpty();
  }

  @Test
  void closeDestroysAccessesAndTheDriverUnpins() {
    f.mockDomain(ioas);
    f.mapFixed(ioas, BUFFER, BUFFER_SIZE, MOCK_APERTURE_START);
    TrackingMdevDriver driver = new TrackingMdevDriver(UnmapPolicy.UNPIN, P);
    driver.pin(mdev(driver), MOCK_APERTURE_START, 3, Prot.READ);
    f.teardown();
    assertThat(driver.pins()).isEmpty();
  }

  @Test
  void unbindMakesTheDriverDropItsPinsAndClosesTheDevice() {
    f.mapFixed(ioas, BUFFER, BUFFER_SIZE, 0);
    TrackingMdevDriver driver = new TrackingMdevDriver(UnmapPolicy.UNPIN, P);
    AccessVfioDevice device = mdev(driver);
    driver.pin(device, 0, 3, Prot.READ);
    driver.pin(device, 8 * P, 1, Prot.WRITE);
    f.run(device::unbind);
    assertThat(driver.callbacks()).as("one callback over the whole space").isEqualTo(1);
    assertThat(driver.pins()).isEmpty();
    assertThat(f.host.memory().pinnedPages()).isZero();
    assertThat(device.isOpen()).isFalse();
    f.failsUnchanged(Errno.EINVAL, () -> device.pinPages(0, 1, Prot.READ));
    f.failsUnchanged(Errno.EINVAL, () -> device.dmaRw(0, 1, false));
    f.failsUnchanged(Errno.EINVAL, () -> device.attachIoas(ioas));
    f.run(() -> device.unpinPages(0, 1));
    f.run(device::unbind);
    assertThat(f.host.log().warnings()).extracting(KernelWarning::function).containsExactly(
        "vfio_pin_pages", "vfio_dma_rw", "vfio_iommufd_emulated_attach_ioas", "vfio_unpin_pages");
  }

  @Test
  void attachingAnAttachedDeviceMovesItsAccess() {
    f.mapFixed(ioas, BUFFER, BUFFER_SIZE, 0);
    TrackingMdevDriver driver = new TrackingMdevDriver(UnmapPolicy.UNPIN, P);
    AccessVfioDevice device = mdev(driver);
    driver.pin(device, 0, 2, Prot.READ);
    int other = f.ioasAlloc();
    f.run(() -> device.attachIoas(other));
    assertThat(device.access().ioas().id()).isEqualTo(other);
    assertThat(driver.pins()).isEmpty();
    f.fails(Errno.ENOENT, () -> device.pinPages(0, 1, Prot.READ));
    f.run(device::unbind);
  }
}
