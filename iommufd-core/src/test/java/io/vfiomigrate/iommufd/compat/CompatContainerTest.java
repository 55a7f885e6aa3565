package io.vfiomigrate.iommufd.compat;

import static io.vfiomigrate.iommufd.compat.CompatFixture.MMIO;
import static io.vfiomigrate.iommufd.compat.CompatFixture.P;
import static io.vfiomigrate.iommufd.compat.CompatFixture.X86_GROUP;
import static io.vfiomigrate.iommufd.testing.IommufdFixture.BIG;
import static io.vfiomigrate.iommufd.testing.IommufdFixture.BUFFER;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import com.google.inject.Key;
import com.google.inject.name.Names;
import io.vfiomigrate.api.DmaMapRequest;
import io.vfiomigrate.api.DmaUnmapRequest;
import io.vfiomigrate.api.Errno;
import io.vfiomigrate.api.IommuInfo;
import io.vfiomigrate.api.IommuType;
import io.vfiomigrate.api.IovaRange;
import io.vfiomigrate.api.Prot;
import io.vfiomigrate.api.TrackingMdevDriver;
import io.vfiomigrate.api.U64;
import io.vfiomigrate.api.UnmapPolicy;
import io.vfiomigrate.api.VfioBackendFactory;
import io.vfiomigrate.api.VfioDevice;
import io.vfiomigrate.api.VfioExtension;
import io.vfiomigrate.host.IommuSpec;
import io.vfiomigrate.host.KernelWarning;
import io.vfiomigrate.host.TaskSpec;
import io.vfiomigrate.iommufd.testing.IommufdFixture;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * The adapter's own mechanics (spec B.7, B.8): the compat IOAS's life, SET_IOMMU, the
 * written-back unmap size, GET_INFO on real hardware, the mdev route, and what a driver that
 * keeps its pins does to unmap and close. The semantics shared with type1 are in the two-backend
 * contract suite of migrate-cli.
 */
class CompatContainerTest {
  private static final long MB = 1L << 20;
  private static final int MDEV_GROUP = 40;

  private final CompatFixture f = new CompatFixture();
  private final VfioCompatContainer c = f.container;

  private void map(long vaddr, long iova, long size) {
    f.run(() -> c.mapDma(f.task, DmaMapRequest.of(vaddr, iova, size, true, true)));
  }

  private long unmap(long iova, long size) {
    return f.op(() -> c.unmapDma(f.task, DmaUnmapRequest.range(iova, size)));
  }

  @Test
  void theCompatIoasComesWithTheFirstGroupAndOutlivesEveryGroup() {
    f.run(() -> c.attachIommuGroup(f.task, X86_GROUP));
    int ioasId = c.ictx().vfioIoasGet();
    f.run(() -> c.attachIommuGroup(f.task, X86_GROUP + 1));
    assertThat(c.ictx().vfioIoasGet()).isEqualTo(ioasId);
    assertThat(c.ictx().compatIoas().hwpts()).as("compatible groups share a domain").hasSize(1);
    map(BIG, MB, MB);
    assertThat(f.task.mm().lockedVm()).isEqualTo(256);
    assertThat(f.task.mm().pinnedVm()).as("MM mode moves both counters").isEqualTo(256);

    f.run(() -> c.detachGroup(f.task, X86_GROUP));
    f.run(() -> c.detachGroup(f.task, X86_GROUP + 1));
    assertThat(c.ictx().vfioIoasGet()).isEqualTo(ioasId);
    assertThat(f.task.mm().lockedVm()).as("the last domain unpins the area").isZero();
    f.failsUnchanged(Errno.EEXIST, () -> c.mapDma(f.task,
        DmaMapRequest.of(BIG, MB, MB, true, true)));
    f.run(() -> c.attachIommuGroup(f.task, X86_GROUP));
    assertThat(f.task.mm().lockedVm()).as("a new domain re-pins the area").isEqualTo(256);
    f.teardown();
  }

  @Test
  void aGroupIsSetOnOneContainerAtATime() {
    f.run(() -> c.attachIommuGroup(f.task, X86_GROUP));
    f.failsUnchanged(Errno.EINVAL, () -> c.attachIommuGroup(f.task, X86_GROUP));
    VfioCompatContainer other = (VfioCompatContainer) f.backend.openContainer(f.task);
    f.failsUnchanged(Errno.EINVAL, () -> other.attachEmulatedGroup(f.task, X86_GROUP,
        (device, iova, length) -> { }));
    f.failsUnchanged(Errno.EINVAL, () -> other.detachGroup(f.task, X86_GROUP));
    f.run(other::close);
    f.failsUnchanged(Errno.EBADF, () -> other.checkExtension(VfioExtension.TYPE1_IOMMU));
    f.teardown();
  }

  /** A group whose device cannot be attached is unset again; the compat IOAS stays. */
  @Test
  void aFailedDeviceAttachUnsetsTheGroupButKeepsTheCompatIoas() {
    f.run(() -> c.attachEmulatedGroup(f.task, MDEV_GROUP, (device, iova, length) -> { }));
    map(BIG, 0xfee00000L, MB);
    f.fails(Errno.EADDRINUSE, () -> c.attachIommuGroup(f.task, X86_GROUP));
    assertThat(c.groups()).extracting(CompatGroup::groupId).containsExactly(MDEV_GROUP);
    assertThat(unmap(0xfee00000L, MB)).isEqualTo(MB);
    f.run(() -> c.attachIommuGroup(f.task, X86_GROUP));
    f.teardown();
  }

  @Test
  void setIommuTypeOneDisablesLargePagesUnlessDomainsHoldMappings() {
    f.run(() -> c.attachIommuGroup(f.task, X86_GROUP));
    f.run(() -> c.setIommu(f.task, IommuType.TYPE1V2));
    map(BIG, MB, MB);
    f.failsUnchanged(Errno.EINVAL, () -> c.setIommu(f.task, IommuType.TYPE1));
    assertThat(unmap(MB, MB)).isEqualTo(MB);
    f.run(() -> c.setIommu(f.task, IommuType.TYPE1));
    assertThat(c.ictx().compatIoas().iopt().largePagesDisabled()).isTrue();
    f.run(() -> c.setIommu(f.task, IommuType.TYPE1V2));
    assertThat(c.ictx().compatIoas().iopt().largePagesDisabled())
        .as("v2 after v1 leaves large pages disabled").isTrue();
    f.teardown();
  }

  @Test
  void getInfoOnAnX86DomainAndWithoutDomains() {
    f.run(() -> c.attachEmulatedGroup(f.task, MDEV_GROUP, (device, iova, length) -> { }));
    IommuInfo none = f.op(() -> c.getInfo(f.task, 256));
    assertThat(none.iovaPgsizes()).as("PAGE_MASK: every size from 4 KiB").isEqualTo(-P);
    assertThat(none.iovaRanges()).containsExactly(IovaRange.ALL);
    assertThat(none.dmaAvail()).isEqualTo(0xFFFF_FFFFL);

    f.run(() -> c.attachIommuGroup(f.task, X86_GROUP));
    f.run(() -> c.setIommu(f.task, IommuType.TYPE1));
    IommuInfo x86 = f.op(() -> c.getInfo(f.task, 256));
    assertThat(x86.iovaPgsizes()).isEqualTo(IommuSpec.DEFAULT_PGSIZE_BITMAP);
    assertThat(x86.iovaRanges()).containsExactly(new IovaRange(0, 0xfedfffffL),
        new IovaRange(0xfef00000L, U64.MAX));
    assertThat(x86.argsz()).isEqualTo(24 + 16 + 16 + 2 * 16);
    IommuInfo shortOfOneRange = f.op(() -> c.getInfo(f.task, x86.argsz() - 16));
    assertThat(shortOfOneRange.caps()).hasSize(1);
    assertThat(shortOfOneRange.caps().get(0).next()).as("next written, its cap is not")
        .isEqualTo(40);
    assertThat(shortOfOneRange.capOffset()).isZero();
    f.teardown();
  }

  @Test
  void unmapWritesBackWhatItUnmappedBeforeFailing() {
    f.run(() -> c.attachIommuGroup(f.task, X86_GROUP));
    map(BIG, MB, MB);
    map(BIG + MB, 2 * MB, 512 * 1024);
    f.fails(Errno.ENOENT, OptionalLong.of(0), () -> c.unmapDma(f.task,
        DmaUnmapRequest.range(MB + P, MB)));
    f.fails(Errno.ENOENT, OptionalLong.of(MB), () -> c.unmapDma(f.task,
        DmaUnmapRequest.range(MB, MB + P)));
    assertThat(f.task.mm().lockedVm()).as("A is gone, B stays").isEqualTo(128);
    f.fails(Errno.EINVAL, OptionalLong.of(0), () -> c.unmapDma(f.task,
        DmaUnmapRequest.range(MB, 0)));
    f.fails(Errno.EOVERFLOW, OptionalLong.of(0), () -> c.unmapDma(f.task,
        DmaUnmapRequest.range(MB, -P)));
    f.fails(Errno.EINVAL, OptionalLong.empty(), () -> c.unmapDma(f.task,
        new DmaUnmapRequest(DmaUnmapRequest.STRUCT_SIZE, DmaUnmapRequest.FLAG_ALL, 0, 1)));
    f.fails(Errno.EINVAL, OptionalLong.empty(), () -> c.unmapDma(f.task,
        new DmaUnmapRequest(DmaUnmapRequest.STRUCT_SIZE, DmaUnmapRequest.FLAG_GET_DIRTY_BITMAP,
            MB, MB)));
    assertThat(unmap(0, 4 * MB)).isEqualTo(512 * 1024);
    f.teardown();
  }

  /** v1 unmaps cut areas at both ends; a cut an mdev pin blocks fails with nothing written back. */
  @Test
  void typeOneUnmapsExactlyTheRequest() {
    TrackingMdevDriver driver = new TrackingMdevDriver(UnmapPolicy.UNPIN, P);
    VfioDevice mdev = f.op(() -> c.attachEmulatedGroup(f.task, MDEV_GROUP, driver));
    f.run(() -> c.setIommu(f.task, IommuType.TYPE1));
    map(BIG, 0, MB);
    assertThat(unmap(0x80000, 0x40000)).isEqualTo(0x40000);
    assertThat(unmap(0, P)).isEqualTo(P);
    assertThat(c.ictx().compatIoas().iopt().areaCount()).isEqualTo(2);
    driver.pin(mdev, 0x10000, 1, Prot.READ);
    f.fails(Errno.EINVAL, OptionalLong.empty(), () -> c.unmapDma(f.task,
        DmaUnmapRequest.range(0x8000, P)));
    assertThat(unmap(P, 0x80000 - P)).as("whole areas: the driver is told to unpin")
        .isEqualTo(0x80000 - P);
    assertThat(driver.pins()).isEmpty();
    f.teardown();
  }

  @Test
  void mapChecksAndPermissions() {
    f.run(() -> c.attachEmulatedGroup(f.task, MDEV_GROUP, (device, iova, length) -> { }));
    f.failsUnchanged(Errno.EINVAL, () -> c.mapDma(f.task, new DmaMapRequest(
        DmaMapRequest.STRUCT_SIZE, DmaMapRequest.FLAG_READ | DmaMapRequest.FLAG_VADDR, BIG, 0,
        MB)));
    f.run(() -> c.mapDma(f.task, DmaMapRequest.of(BIG, 0, MB, false, false)));
    f.run(() -> c.mapDma(f.task, DmaMapRequest.of(MMIO, 2 * MB, 16 * P, true, true)));
    f.fails(Errno.EINVAL, () -> c.attachIommuGroup(f.task, X86_GROUP));
    assertThat(unmap(0, MB)).isEqualTo(MB);
    f.fails(Errno.EFAULT, () -> c.attachIommuGroup(f.task, X86_GROUP));
    assertThat(unmap(2 * MB, 16 * P)).isEqualTo(16 * P);
    f.run(() -> c.attachIommuGroup(f.task, X86_GROUP));
    f.failsUnchanged(Errno.EINVAL, () -> c.mapDma(f.task,
        DmaMapRequest.of(BIG, 0, MB, false, false)));
    f.failsUnchanged(Errno.EFAULT, () -> c.mapDma(f.task,
        DmaMapRequest.of(MMIO, 0, 16 * P, true, true)));
    f.teardown();
  }

  @Test
  void capIpcLockMapsUncharged() {
    CompatFixture locked = new CompatFixture(
        TaskSpec.of(IommufdFixture.PID, IommufdFixture.UID, 0).withCapIpcLock(true));
    locked.run(() -> locked.container.attachIommuGroup(locked.task, X86_GROUP));
    locked.run(() -> locked.container.mapDma(locked.task, DmaMapRequest.of(BIG, 0, MB, true,
        true)));
    assertThat(locked.task.mm().lockedVm()).isZero();
    assertThat(locked.task.mm().pinnedVm()).isEqualTo(256);
    locked.teardown();
  }

  @Test
  void theMdevRoute() {
    TrackingMdevDriver driver = new TrackingMdevDriver(UnmapPolicy.UNPIN, P);
    VfioDevice mdev = f.op(() -> c.attachEmulatedGroup(f.task, MDEV_GROUP, driver));
    map(BIG, 0, 2 * MB);
    map(BIG, 2 * MB, 2 * MB);
    assertThat(f.op(() -> driver.pin(mdev, 0x1234, 513, Prot.READ_WRITE)).pfn(0))
        .as("the IOVA aligned down").isEqualTo(f.host.memory().pfnAt(f.task.mm(), BIG + P));
    assertThat(f.task.mm().lockedVm()).as("no 512-page limit").isEqualTo(513);
    String pinned = f.state();
    f.run(() -> mdev.unpinPages(0, 1));
    assertThat(f.state()).as("an unpin of no exact pin changes nothing").isEqualTo(pinned);
    assertThat(f.host.log().warnings()).extracting(KernelWarning::function)
        .containsExactly("iommufd_access_unpin_pages");
    f.run(() -> mdev.dmaRw(0x10, 3 * P, true));
    f.fails(Errno.ENOENT, () -> mdev.pinPages(4 * MB, 1, Prot.READ));
    assertThat(unmap(0, 4 * MB)).isEqualTo(4 * MB);
    assertThat(driver.callbacks()).isEqualTo(1);
    assertThat(driver.pins()).isEmpty();
    assertThat(f.task.mm().lockedVm()).isZero();
    f.run(() -> c.detachGroup(f.task, MDEV_GROUP));
    f.fails(Errno.EINVAL, () -> mdev.pinPages(0, 1, Prot.READ));
    f.run(c::close);
  }

  @Test
  void detachingAnEmulatedGroupMakesItsDriverUnpin() {
    TrackingMdevDriver driver = new TrackingMdevDriver(UnmapPolicy.UNPIN, P);
    VfioDevice mdev = f.op(() -> c.attachEmulatedGroup(f.task, MDEV_GROUP, driver));
    map(BIG, 0, MB);
    driver.pin(mdev, 0, 4, Prot.READ);
    f.run(() -> c.detachGroup(f.task, MDEV_GROUP));
    assertThat(driver.pins()).isEmpty();
    assertThat(f.task.mm().lockedVm()).isZero();
    f.teardown();
  }

  /**
   * A driver that keeps its pins: unmap ends in EDEADLOCK after 100 callbacks, with what was
   * unmapped before written back; closing leaks the pins with warnings, and the backend still
   * balances the host because it keeps the leaking context.
   */
  @Test
  void aDriverThatKeepsItsPinsDeadlocksUnmapAndLeaksAtClose() {
    TrackingMdevDriver driver = new TrackingMdevDriver(UnmapPolicy.IGNORE, P);
    VfioDevice mdev = f.op(() -> c.attachEmulatedGroup(f.task, MDEV_GROUP, driver));
    map(BIG, 0, MB);
    map(BIG + MB, MB, MB);
    driver.pin(mdev, MB, 2, Prot.READ);
    f.fails(Errno.EDEADLOCK, OptionalLong.of(MB), () -> c.unmapDma(f.task,
        DmaUnmapRequest.range(0, 2 * MB)));
    assertThat(driver.callbacks()).isEqualTo(101);
    assertThat(f.task.mm().lockedVm()).isEqualTo(2);
    f.run(c::close);
    assertThat(f.host.memory().pinRefs()).isEqualTo(2);
    assertThat(f.task.mm().lockedVm()).isEqualTo(2);
    assertThat(f.backend.dumpState()).contains("closed container leaking");
    assertThat(f.host.log().warnings()).extracting(KernelWarning::function).containsExactly(
        "iopt_unmap_iova_range", "iopt_unmap_iova_range", "iommufd_ioas_destroy",
        "iopt_destroy_table");
  }

  @Test
  void checkExtensionTable() {
    f.run(() -> c.attachIommuGroup(f.task, X86_GROUP));
    for (VfioExtension e : VfioExtension.values()) {
      int expected = List.of(VfioExtension.TYPE1_IOMMU, VfioExtension.TYPE1V2_IOMMU,
          VfioExtension.UNMAP_ALL, VfioExtension.DMA_CC_IOMMU).contains(e) ? 1 : 0;
      assertThat(c.checkExtension(e)).as("%s", e).isEqualTo(expected);
    }
    f.teardown();
  }

  @Test
  void theModuleBindsTheNamedFactoryWithExplicitBindingsOnly() {
    VfioBackendFactory factory = Guice.createInjector(binder -> binder.requireExplicitBindings(),
        new IommufdCompatModule()).getInstance(Key.get(VfioBackendFactory.class,
            Names.named("compat")));
    assertThat(factory.name()).isEqualTo("compat");
    CompatBackend backend = (CompatBackend) factory.create(f.host);
    assertThat(backend.name()).isEqualTo("compat");
    backend.checkInvariants();
    assertThat(backend.dumpState()).isEmpty();
  }
}
